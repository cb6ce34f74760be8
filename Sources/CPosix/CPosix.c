#define _GNU_SOURCE
#include "CPosix.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// linux/fs.h values; spelled out so that old kernel headers still build.
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int cposix_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

unsigned int cposix_rename_noreplace(void) { return RENAME_NOREPLACE; }
unsigned int cposix_rename_exchange(void) { return RENAME_EXCHANGE; }

static volatile sig_atomic_t forward_fd = -1;

// Runs in signal context: write(2) is async-signal-safe, and errno is restored
// because the interrupted code may be about to read it.
static void forward_signal(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    if (forward_fd >= 0) {
        ssize_t ignored = write(forward_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int cposix_forward_signals(int pipe_write_fd, const int *signals, int count) {
    forward_fd = pipe_write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < count; i++) sigaddset(&action.sa_mask, signals[i]);
    // Interrupted reads and writes elsewhere resume instead of failing with EINTR.
    action.sa_flags = SA_RESTART;
    for (int i = 0; i < count; i++) {
        struct sigaction previous;
        if (sigaction(signals[i], NULL, &previous) != 0) return -1;
        if (previous.sa_handler == SIG_IGN) continue;
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}
