// The conformance oracle: calls every exported function of the shim, C and
// C++, with edge arguments and prints one canonical line per call:
//   CALL <TAB> RESULT-CLASS [usable=N] [aligned|misaligned] errno=NAME|kept
// Nothing in a line depends on addresses or timing, so two runs of the same
// route print the same transcript. run.sh compares transcripts: the shim on
// the system route against no preload (byte-identical), the shim on the
// allocator route against the allocator preloaded alone (differences only
// where the contract table of docs/shim.md lists them).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <new>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

// mallinfo() is deprecated but exported, so it is called; new[] blocks are
// released with the plain delete form, which every implementation accepts.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "glibc-names.h"

static const int SENTINEL = 4242;  // errno before each call: "kept" when unchanged
static const size_t PAGE = (size_t)sysconf(_SC_PAGESIZE);

static const char *errno_name(int e)
{
	switch (e) {
	case SENTINEL: return "kept";
	case 0: return "0";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	default: {
		static char buf[16];
		snprintf(buf, sizeof buf, "%d", e);
		return buf;
	}
	}
}

static void line(const char *call, const char *result, int err)
{
	printf("%s\t%s errno=%s\n", call, result, errno_name(err));
}

// The usable size of a block: exact for unaligned requests; for aligned ones
// only whether it covers the request, since glibc's figure then depends on
// where the block happened to land.
static int usable_text(char *out, size_t len, void *p, size_t requested, size_t alignment)
{
	size_t u = malloc_usable_size(p);
	if (!alignment)
		return snprintf(out, len, "usable=%zu", u);
	return snprintf(out, len, "usable%s %s", u >= requested ? ">=size" : "<size",
			alignment == 1 || (uintptr_t)p % alignment == 0 ? "aligned" : "misaligned");
}

// A pointer result: null, or ptr with its usable size (and alignment, when one was asked for).
static void ptr_line(const char *call, void *p, int err, size_t alignment = 0, bool free_it = true,
		     size_t requested = 0)
{
	char result[96];
	if (!p) {
		snprintf(result, sizeof result, "null");
	} else {
		int n = snprintf(result, sizeof result, "ptr ");
		usable_text(result + n, sizeof result - n, p, requested, alignment);
	}
	line(call, result, err);
	if (p && free_it)
		free(p);
}

#define CALL(expr) (errno = SENTINEL, (expr))

// Each row runs in a child process: a row that kills the process (an
// allocator alone crashes on some) is reported as such, and the rows after it
// still run from the same starting state.
template <typename F> static void isolate(const char *call, F f)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		f();
		fflush(stdout);
		_exit(0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("%s	not run\n", call);
	else if (WIFSIGNALED(status))
		printf("%s	crashed %s\n", call, WTERMSIG(status) == SIGSEGV ? "SIGSEGV" : WTERMSIG(status) == SIGABRT ? "SIGABRT" : "signal");
	else if (WEXITSTATUS(status) != 0)
		printf("%s	exit=%d\n", call, WEXITSTATUS(status));
}

// A 32-bit process can get SIZE_MAX / 2 bytes: ask for more than it can address.
static const volatile size_t HUGE_SIZE = sizeof(size_t) == 8 ? SIZE_MAX / 2 : SIZE_MAX - 65536;
static const volatile size_t MAX = SIZE_MAX, QUARTER = SIZE_MAX / 4, EIGHT = 8, K64 = 1 << 16;

static void sizes_test()
{
	const size_t sizes[] = { 0, 1, 24, PAGE, 100000, 1 << 20, HUGE_SIZE, MAX };
	const char *names[] = { "0", "1", "24", "page", "100000", "1MiB", "huge", "SIZE_MAX" };
	char call[128];
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t n = sizes[i];
		snprintf(call, sizeof call, "malloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(malloc(n)); e = errno; ptr_line(call, p, e); });
		snprintf(call, sizeof call, "__libc_malloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(__libc_malloc(n)); e = errno; ptr_line(call, p, e, 0, false); if (p) __libc_free(p); });
		snprintf(call, sizeof call, "calloc(1,%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(calloc(1, n)); e = errno; ptr_line(call, p, e); });
		snprintf(call, sizeof call, "__libc_calloc(%s,1)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(__libc_calloc(n, 1)); e = errno; ptr_line(call, p, e, 0, false); if (p) cfree(p); });
		snprintf(call, sizeof call, "realloc(NULL,%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(realloc(nullptr, n)); e = errno; ptr_line(call, p, e); });
		snprintf(call, sizeof call, "__libc_realloc(NULL,%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(__libc_realloc(nullptr, n)); e = errno; ptr_line(call, p, e); });
		snprintf(call, sizeof call, "realloc(p16,%s)", names[i]);
		isolate(call, [&] {
			void *q = malloc(16), *p;
			memset(q, 7, 16);
			p = CALL(realloc(q, n));
			int e = errno;
			ptr_line(call, p, e, 0, false);
			if (p)
				free(p);
			else if (n != 0)
				free(q);  // a failed growth leaves the block; realloc(p, 0) freed it
		});
		snprintf(call, sizeof call, "reallocarray(NULL,%s,1)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(reallocarray(nullptr, n, 1)); e = errno; ptr_line(call, p, e); });
		snprintf(call, sizeof call, "valloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(valloc(n)); e = errno; ptr_line(call, p, e, PAGE, true, n); });
		snprintf(call, sizeof call, "__libc_valloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(__libc_valloc(n)); e = errno; ptr_line(call, p, e, PAGE, true, n); });
		snprintf(call, sizeof call, "pvalloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(pvalloc(n)); e = errno; ptr_line(call, p, e, PAGE, true, n); });
		snprintf(call, sizeof call, "__libc_pvalloc(%s)", names[i]);
		isolate(call, [&] { void *p; int e; p = CALL(__libc_pvalloc(n)); e = errno; ptr_line(call, p, e, PAGE, true, n); });
	}
	// Overflowing products.
	isolate("calloc(SIZE_MAX/4,8)", [&] { void *p; int e; p = CALL(calloc(QUARTER, EIGHT)); e = errno; ptr_line("calloc(SIZE_MAX/4,8)", p, e); });
	isolate("calloc(8,SIZE_MAX/4)", [&] { void *p; int e; p = CALL(calloc(EIGHT, QUARTER)); e = errno; ptr_line("calloc(8,SIZE_MAX/4)", p, e); });
	isolate("calloc(65536,65536)", [&] { void *p; int e; p = CALL(calloc(K64, K64)); e = errno; ptr_line("calloc(65536,65536)", p, e); });
	isolate("reallocarray(NULL,SIZE_MAX/4,8)", [&] { void *p; int e; p = CALL(reallocarray(nullptr, QUARTER, EIGHT)); e = errno; ptr_line("reallocarray(NULL,SIZE_MAX/4,8)", p, e); });
	isolate("pvalloc(SIZE_MAX-10)", [&] { void *p; int e; p = CALL(pvalloc(MAX - 10)); e = errno; ptr_line("pvalloc(SIZE_MAX-10)", p, e); });
	isolate("calloc(0,0)", [&] { void *p; int e; p = CALL(calloc(0, 0)); e = errno; ptr_line("calloc(0,0)", p, e); });
}

static void alignment_test()
{
	const size_t odd[] = { 0, 1, 3, 8, 24, 48, 4097 };
	size_t alignments[40];
	int count = 0;
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
		alignments[count++] = odd[i];
	for (size_t a = 2; a <= (1 << 20); a *= 2)
		if (a != 8)
			alignments[count++] = a;
	const size_t sizes[] = { 0, 1, 100, PAGE, HUGE_SIZE };
	const char *names[] = { "0", "1", "100", "page", "huge" };
	char call[128];
	for (int ai = 0; ai < count; ai++) {
		size_t a = alignments[ai];
		for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
			size_t n = sizes[si];
			size_t want = a & (a - 1) || a == 0 ? 1 : a;
			snprintf(call, sizeof call, "memalign(%zu,%s)", a, names[si]);
			isolate(call, [&] { void *p; int e; p = CALL(memalign(a, n)); e = errno; ptr_line(call, p, e, want, true, n); });
			snprintf(call, sizeof call, "__libc_memalign(%zu,%s)", a, names[si]);
			isolate(call, [&] { void *p; int e; p = CALL(__libc_memalign(a, n)); e = errno; ptr_line(call, p, e, want, true, n); });
			snprintf(call, sizeof call, "aligned_alloc(%zu,%s)", a, names[si]);
			isolate(call, [&] { void *p; int e; p = CALL(aligned_alloc(a, n)); e = errno; ptr_line(call, p, e, want, true, n); });
			snprintf(call, sizeof call, "posix_memalign(%zu,%s)", a, names[si]);
			isolate(call, [&] {
				void *out = (void *)&call;  // untouched on failure
				errno = SENTINEL;
				int rc = posix_memalign(&out, a, n);
				int e = errno;
				char result[128];
				if (rc == 0) {
					int k = snprintf(result, sizeof result, "rc=0 ");
					usable_text(result + k, sizeof result - k, out, n, a);
					free(out);
				} else {
					snprintf(result, sizeof result, "rc=%s out=%s", errno_name(rc),
						 out == (void *)&call ? "untouched" : "changed");
				}
				line(call, result, e);
			});
		}
	}
}

static void misc_test()
{
	isolate("misc group 1", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		errno = SENTINEL; free(nullptr); line("free(NULL)", "void", errno);
		errno = SENTINEL; cfree(nullptr); line("cfree(NULL)", "void", errno);
		errno = SENTINEL; __libc_free(nullptr); line("__libc_free(NULL)", "void", errno);
		errno = SENTINEL; u = malloc_usable_size(nullptr);
		snprintf(result, sizeof result, "%zu", u); line("malloc_usable_size(NULL)", result, errno);
	});
	isolate("misc group 2", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		// Contents survive realloc growth and shrink; an aligned block reallocates.
		char *p = (char *)malloc(10);
		memcpy(p, "0123456789", 10);
		p = (char *)CALL(realloc(p, 200000));
		e = errno;
		line("realloc(10->200000) keeps contents", p && memcmp(p, "0123456789", 10) == 0 ? "yes" : "no", e);
		p = (char *)CALL(realloc(p, 5)); e = errno;
		line("realloc(200000->5) keeps contents", p && memcmp(p, "01234", 5) == 0 ? "yes" : "no", e);
		void *q = CALL(realloc(p, HUGE_SIZE)); e = errno;
		ptr_line("realloc(p,huge)", q, e, 0, false);
		free(q ? q : p);
		void *a = memalign(4096, 100);
		q = CALL(realloc(a, 50000)); e = errno; ptr_line("realloc(memalign block,50000)", q, e, 1, true, 50000);
		a = memalign(64, 100);
		errno = SENTINEL; u = malloc_usable_size(a);
		line("malloc_usable_size(memalign(64,100))", u >= 100 ? ">=100" : "<100", errno);
		errno = SENTINEL; __libc_free(a); line("__libc_free(memalign block)", "void", errno);
		errno = SENTINEL; cfree(malloc(100)); line("cfree(malloc(100))", "void", errno);
		errno = SENTINEL; free(__libc_malloc(100)); line("free(__libc_malloc(100))", "void", errno);
	});
	isolate("misc group 3", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		// Statistics: classes only, the figures vary.
		void *big = malloc(4 << 20);
		memset(big, 1, 4 << 20);
		errno = SENTINEL;
		struct mallinfo2 m2 = mallinfo2();
		e = errno;
		snprintf(result, sizeof result, "uordblks+hblkhd%s4MiB", m2.uordblks + m2.hblkhd >= (4u << 20) ? ">=" : "<");
		line("mallinfo2()", result, e);
		errno = SENTINEL;
		struct mallinfo m1 = mallinfo();
		e = errno;
		snprintf(result, sizeof result, "uordblks+hblkhd%s4MiB",
			 (size_t)(unsigned)m1.uordblks + (unsigned)m1.hblkhd >= (4u << 20) ? ">=" : "<");
		line("mallinfo()", result, e);
		errno = SENTINEL;
		m1 = __libc_mallinfo();
		e = errno;
		snprintf(result, sizeof result, "uordblks+hblkhd%s4MiB",
			 (size_t)(unsigned)m1.uordblks + (unsigned)m1.hblkhd >= (4u << 20) ? ">=" : "<");
		line("__libc_mallinfo()", result, e);
		free(big);
	});
	isolate("misc group 4", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		char *xml = nullptr;
		size_t xml_len = 0;
		FILE *f = open_memstream(&xml, &xml_len);
		errno = SENTINEL;
		rc = malloc_info(0, f);
		e = errno;
		fclose(f);
		snprintf(result, sizeof result, "rc=%d %s", rc, xml && strncmp(xml, "<malloc version=", 16) == 0 ? "xml" : "no-xml");
		line("malloc_info(0,f)", result, e);
		free(xml);
		f = open_memstream(&xml, &xml_len);
		errno = SENTINEL;
		rc = malloc_info(1, f);
		e = errno;
		fclose(f);
		snprintf(result, sizeof result, "rc=%d written=%zu", rc, xml_len);
		line("malloc_info(1,f)", result, e);
		free(xml);
	});
	isolate("misc group 5", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		// malloc_stats writes to stderr, which the transcript does not compare.
		fflush(stdout);
		errno = SENTINEL; malloc_stats(); line("malloc_stats()", "void", errno);
	});
	isolate("misc group 6", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		errno = SENTINEL; rc = malloc_trim(0);
		snprintf(result, sizeof result, "%s", rc == 0 || rc == 1 ? "0-or-1" : "other"); line("malloc_trim(0)", result, errno);
		errno = SENTINEL; rc = malloc_trim(SIZE_MAX);
		snprintf(result, sizeof result, "%s", rc == 0 || rc == 1 ? "0-or-1" : "other"); line("malloc_trim(SIZE_MAX)", result, errno);
	});
	isolate("misc group 7", [&] {
		[[maybe_unused]] char result[160];
		[[maybe_unused]] size_t u;
		[[maybe_unused]] int e, rc;
		const int params[] = { M_MXFAST, M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD, M_MMAP_MAX,
				       M_CHECK_ACTION, M_PERTURB, M_ARENA_TEST, M_ARENA_MAX, 12345 };
		for (int param : params) {
			char call[64];
			snprintf(call, sizeof call, "mallopt(%d,v)", param);
			errno = SENTINEL; rc = mallopt(param, param == M_MMAP_MAX ? 65536 : param == M_ARENA_MAX ? 0 : 1);
			snprintf(result, sizeof result, "%d", rc); line(call, result, errno);
		}
		errno = SENTINEL; rc = __libc_mallopt(M_MXFAST, 10000);
		snprintf(result, sizeof result, "%d", rc); line("__libc_mallopt(M_MXFAST,10000)", result, errno);
	});
}

static int handler_calls;
static int handler_mode;  // 0 give up after 2 calls, 1 throw bad_alloc, 2 count forever

static void handler()
{
	handler_calls++;
	if (handler_mode == 1)
		throw std::bad_alloc();
	if (handler_mode == 0 && handler_calls >= 2)
		std::set_new_handler(nullptr);
	if (handler_mode == 2 && handler_calls >= 1000)
		std::set_new_handler(nullptr);  // a loop on the handler is reported, not hung
}

template <typename F> static void new_row(const char *call, F f, size_t requested, size_t alignment)
{
	char result[160];
	handler_calls = 0;
	errno = SENTINEL;
	void *p = nullptr;
	const char *what = "ptr";
	try {
		p = f();
		if (!p)
			what = "null";
	} catch (const std::bad_alloc &) {
		what = "bad_alloc";
	}
	int e = errno;
	int n = snprintf(result, sizeof result, "%s handler_calls=%d", what, handler_calls);
	if (p) {
		result[n++] = ' ';
		usable_text(result + n, sizeof result - n, p, requested, alignment);
	}
	// The errno of a new expression is unspecified: printed only for the nothrow forms.
	printf("%s\t%s errno=%s\n", call, result, strstr(call, "nothrow") ? errno_name(e) : "-");
	if (p) {
		if (alignment)
			::operator delete(p, std::align_val_t(alignment));
		else
			::operator delete(p);
	}
	std::set_new_handler(nullptr);
}

template <typename F> static void new_line(const char *call, F f, size_t requested, size_t alignment)
{
	isolate(call, [&] { new_row(call, f, requested, alignment); });
}

static void cxx_test()
{
	const size_t sizes[] = { 0, 1, 100000, HUGE_SIZE, MAX };
	const char *names[] = { "0", "1", "100000", "huge", "SIZE_MAX" };
	char call[160];
	for (int mode = -1; mode <= 2; mode++) {
		const char *handler_name[] = { "none", "gives-up", "throws", "returns" };
		for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
			size_t n = sizes[si];
			auto install = [mode] {
				handler_mode = mode;
				std::set_new_handler(mode < 0 ? nullptr : handler);
			};
			if (mode == 2 && n < HUGE_SIZE)
				continue;
#define NEW_LINE(fmt, expr, al)                                                                                   \
	do {                                                                                                      \
		snprintf(call, sizeof call, fmt " handler=%s", names[si], handler_name[mode + 1]);                   \
		new_line(call, [&]() -> void * { install(); return expr; }, n, al);                                     \
	} while (0)
			NEW_LINE("new(%s)", ::operator new(n), 0);
			NEW_LINE("new[](%s)", ::operator new[](n), 0);
			NEW_LINE("new(%s,nothrow)", ::operator new(n, std::nothrow), 0);
			NEW_LINE("new[](%s,nothrow)", ::operator new[](n, std::nothrow), 0);
			NEW_LINE("new(%s,align 64)", ::operator new(n, std::align_val_t(64)), 64);
			NEW_LINE("new[](%s,align 4096)", ::operator new[](n, std::align_val_t(4096)), 4096);
			NEW_LINE("new(%s,align 64,nothrow)", ::operator new(n, std::align_val_t(64), std::nothrow), 64);
			NEW_LINE("new[](%s,align 64,nothrow)", ::operator new[](n, std::align_val_t(64), std::nothrow), 64);
			// A non-power-of-two alignment is not a valid align_val_t: bad_alloc, no handler loop.
			NEW_LINE("new(%s,align 24)", ::operator new(n, std::align_val_t(24)), 0);
			NEW_LINE("new(%s,align 24,nothrow)", ::operator new(n, std::align_val_t(24), std::nothrow), 0);
#undef NEW_LINE
		}
	}
	// Every delete form accepts NULL and a block of its new form.
	::operator delete(nullptr);
	::operator delete[](nullptr);
	::operator delete(::operator new(10), (size_t)10);
	::operator delete[](::operator new[](10), (size_t)10);
	::operator delete(::operator new(10, std::nothrow), std::nothrow);
	::operator delete[](::operator new[](10, std::nothrow), std::nothrow);
	::operator delete(::operator new(10, std::align_val_t(64)), std::align_val_t(64));
	::operator delete[](::operator new[](10, std::align_val_t(64)), std::align_val_t(64));
	::operator delete(::operator new(10, std::align_val_t(64)), (size_t)10, std::align_val_t(64));
	::operator delete[](::operator new[](10, std::align_val_t(64)), (size_t)10, std::align_val_t(64));
	::operator delete(::operator new(10, std::align_val_t(64), std::nothrow), std::align_val_t(64), std::nothrow);
	::operator delete[](::operator new[](10, std::align_val_t(64), std::nothrow), std::align_val_t(64), std::nothrow);
	printf("delete forms\tvoid\n");
}

int main()
{
	sizes_test();
	alignment_test();
	misc_test();
	cxx_test();
	return 0;
}
