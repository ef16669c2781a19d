/* memproxy-run: runs one command and reports the kernel's accounting of it, for `memproxy trial` and the
 * doctor's start-up cost. Java cannot read a child's rusage, so this small program forks, execs, waits with
 * wait4(2) and writes what it measured as key=value lines to the result file.
 *
 *   memproxy-run -o RESULT [-t TIMEOUT_MS] [-s SAMPLE_MS] [-e NAME=VALUE]... PATH ARGV0 [ARG...]
 *
 * The child runs PATH with this program's environment plus the -e variables (LD_PRELOAD goes there: this
 * program must not run under the chain it measures), its stdin, stdout and stderr, in a process group of its
 * own, so a timeout or an interruption kills everything the command started that stayed in that group.
 * SIGINT, SIGTERM and SIGHUP to this program kill the child (SIGKILL) and the result says "interrupted=1".
 * wait4's rusage covers the child and the descendants it waited for (their peak RSS is a maximum, not a sum).
 * With -s, VmRSS is read from /proc/PID/status every SAMPLE_MS and each sample is written as "sample=MS KB"
 * (the interval doubles after every 2048 samples, so an hour-long run does not write millions of lines).
 * Exit status: 0 when the result file was written (whatever the command did), 2 usage, 3 could not run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* VmRSS of a running process in KiB, or -1 once it is gone. */
static long rss_kb(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *line = strstr(buf, "\nVmRSS:");
	return line ? strtol(line + 7, NULL, 10) : -1;
}

static long long micros(struct timeval t)
{
	return (long long)t.tv_sec * 1000000LL + t.tv_usec;
}

static long number(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "memproxy-run: %s must be a non-negative number of milliseconds: %s\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *result = NULL;
	char *set[64];
	int nset = 0;
	long timeout_ms = 0, sample_ms = 0;
	int opt;
	while ((opt = getopt(argc, argv, "+o:t:s:e:")) != -1) {
		switch (opt) {
		case 'e':
			if (nset == (int)(sizeof set / sizeof *set) || !strchr(optarg, '=')) {
				fprintf(stderr, "memproxy-run: -e takes NAME=VALUE, at most 64 times: %s\n", optarg);
				return 2;
			}
			set[nset++] = optarg;
			break;
		case 'o': result = optarg; break;
		case 't': timeout_ms = number(optarg, "-t"); break;
		case 's': sample_ms = number(optarg, "-s"); break;
		default: return 2;
		}
	}
	if (!result || argc - optind < 2) {
		fprintf(stderr, "usage: memproxy-run -o RESULT [-t TIMEOUT_MS] [-s SAMPLE_MS] [-e NAME=VALUE]... PATH ARGV0 [ARG...]\n");
		return 2;
	}
	FILE *out = fopen(result, "we");
	if (!out) {
		fprintf(stderr, "memproxy-run: %s: %s\n", result, strerror(errno));
		return 3;
	}
	/* The caller's death must not leave the command running. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	sigset_t watched, old;
	sigemptyset(&watched);
	sigaddset(&watched, SIGCHLD);
	sigaddset(&watched, SIGINT);
	sigaddset(&watched, SIGTERM);
	sigaddset(&watched, SIGHUP);
	sigprocmask(SIG_BLOCK, &watched, &old);

	/* The child reports a failed exec through a close-on-exec pipe: an empty read means it exec'd. */
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		fprintf(stderr, "memproxy-run: pipe: %s\n", strerror(errno));
		return 3;
	}
	long long start = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "memproxy-run: fork: %s\n", strerror(errno));
		return 3;
	}
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		for (int i = 0; i < nset; i++)
			putenv(set[i]);
		execv(argv[optind], argv + optind + 1);
		int e = errno;
		if (write(report[1], &e, sizeof e) != (ssize_t)sizeof e)
			_exit(127);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no race with a kill of the group right after fork */
	close(report[1]);
	int exec_errno = 0;
	if (read(report[0], &exec_errno, sizeof exec_errno) != (ssize_t)sizeof exec_errno)
		exec_errno = 0;
	close(report[0]);

	long long deadline = timeout_ms ? start + timeout_ms * 1000000LL : 0;
	long long next_sample = sample_ms ? start + sample_ms * 1000000LL : 0;
	int timed_out = 0, interrupted = 0, status = 0;
	long peak_sampled = 0, samples = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	for (;;) {
		pid_t done = wait4(pid, &status, WNOHANG, &ru);
		if (done == pid)
			break;
		long long t = now_ns(), wake = t + 1000000000LL;
		if (deadline && deadline < wake)
			wake = deadline;
		if (next_sample && next_sample < wake)
			wake = next_sample;
		struct timespec ts = { 0, 0 };
		if (wake > t) {
			ts.tv_sec = (wake - t) / 1000000000LL;
			ts.tv_nsec = (wake - t) % 1000000000LL;
		}
		int sig = sigtimedwait(&watched, NULL, &ts);
		t = now_ns();
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			interrupted = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		if (deadline && t >= deadline && !timed_out && !interrupted) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		if (next_sample && t >= next_sample) {
			long kb = rss_kb(pid);
			if (kb >= 0) {
				fprintf(out, "sample=%lld %ld\n", (t - start) / 1000000LL, kb);
				if (kb > peak_sampled)
					peak_sampled = kb;
			}
			/* A long run keeps a bounded number of samples: past each 2048, the interval doubles. */
			if (++samples % 2048 == 0)
				sample_ms *= 2;
			next_sample = t + sample_ms * 1000000LL;
		}
	}
	long long wall = now_ns() - start;
	fprintf(out, "exec_errno=%d\n", exec_errno);
	fprintf(out, "wall_ns=%lld\n", wall);
	fprintf(out, "user_us=%lld\n", micros(ru.ru_utime));
	fprintf(out, "sys_us=%lld\n", micros(ru.ru_stime));
	fprintf(out, "max_rss_kb=%ld\n", ru.ru_maxrss);
	fprintf(out, "minor_faults=%ld\n", ru.ru_minflt);
	fprintf(out, "major_faults=%ld\n", ru.ru_majflt);
	fprintf(out, "voluntary_switches=%ld\n", ru.ru_nvcsw);
	fprintf(out, "involuntary_switches=%ld\n", ru.ru_nivcsw);
	if (WIFEXITED(status))
		fprintf(out, "exit_status=%d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(out, "signal=%d\n", WTERMSIG(status));
	fprintf(out, "timed_out=%d\n", timed_out);
	fprintf(out, "interrupted=%d\n", interrupted);
	fprintf(out, "sampled_peak_rss_kb=%ld\n", peak_sampled);
	if (fclose(out) != 0) {
		fprintf(stderr, "memproxy-run: %s: %s\n", result, strerror(errno));
		return 3;
	}
	return 0;
}
