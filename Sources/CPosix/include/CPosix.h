// POSIX and Linux calls that Swift cannot make directly: renameat2(2) is
// reached through the variadic syscall(2), and a signal handler must be C to
// be plainly async-signal-safe. Everything here is prefixed `cposix_`.
#ifndef CPOSIX_H
#define CPOSIX_H

/// renameat2(2) with `RENAME_NOREPLACE` or `RENAME_EXCHANGE`. Returns 0, or -1
/// with errno set (EINVAL or ENOSYS where the file system or kernel lacks it).
int cposix_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

/// The renameat2(2) flags (linux/fs.h defines them only for C).
unsigned int cposix_rename_noreplace(void);
unsigned int cposix_rename_exchange(void);

/// Installs one handler for `count` signals that writes each arrival as one
/// byte (the signal number) to `pipe_write_fd` and does nothing else. Signals
/// that were ignored when the process started (nohup, background jobs) stay
/// ignored. Returns 0, or -1 with errno set.
int cposix_forward_signals(int pipe_write_fd, const int *signals, int count);

#endif
