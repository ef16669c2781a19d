// operator new/delete through the shim: every form, served by the expected
// allocator; new-handler honoured; std::bad_alloc for a huge new[].
#include <cstdint>
#include <cstdlib>
#include <new>

#include "oracle.h"

static int expected;
static int handler_calls;

struct alignas(4096) Page {
	char bytes[4096];
};

struct alignas(256) Block {
	char bytes[512];  // a size that is a multiple of the alignment
};

static void expect(const char *what, struct counters before, const void *p, size_t n)
{
	int owners = oracle_owners(before, p, n);
	CHECK(p != nullptr, "%s returned NULL", what);
	CHECK(owners == expected, "%s: served by %s, expected %s", what, oracle_name(owners),
	      oracle_name(expected));
}

static void release_once()
{
	handler_calls++;
	std::set_new_handler(nullptr);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (expected = oracle_parse(argv[1])) < 0)
		return 2;
	oracle_init();
	const size_t n = 100000;
	struct counters c;

	c = oracle_counters(); char *a = new char[n]; expect("new[]", c, a, n); delete[] a;
	c = oracle_counters(); auto *v = new char[n / 10][10]; expect("new[][]", c, v, n); delete[] v;
	c = oracle_counters(); void *o = ::operator new(n); expect("operator new", c, o, n); ::operator delete(o, n);
	c = oracle_counters(); void *t = ::operator new(n, std::nothrow); expect("nothrow new", c, t, n);
	::operator delete(t, std::nothrow);
	c = oracle_counters(); auto *pages = new Page[25]; expect("aligned new[]", c, pages, 25 * 4096);
	CHECK(reinterpret_cast<uintptr_t>(pages) % 4096 == 0, "new Page[] aligned");
	delete[] pages;
	for (int i = 0; i < 1000; i++) {
		Block *b = new Block;
		CHECK(reinterpret_cast<uintptr_t>(b) % 256 == 0, "new Block aligned: %p", (void *)b);
		delete b;
	}
	void *al = ::operator new(n, std::align_val_t(1024), std::nothrow);
	CHECK(al && reinterpret_cast<uintptr_t>(al) % 1024 == 0, "aligned nothrow new");
	::operator delete(al, std::align_val_t(1024), std::nothrow);

	// Huge requests: nothrow forms return NULL, throwing forms throw bad_alloc.
	volatile size_t huge = sizeof(size_t) == 8 ? SIZE_MAX / 4 : SIZE_MAX - 65536;  // more than 32 bits address
	CHECK(::operator new(huge, std::nothrow) == nullptr, "nothrow huge new is NULL");
	CHECK(::operator new[](huge, std::align_val_t(64), std::nothrow) == nullptr, "aligned nothrow huge");
	bool thrown = false;
	try {
		char *big = new char[huge];
		big[0] = 1;
		delete[] big;
	} catch (const std::bad_alloc &) {
		thrown = true;
	}
	CHECK(thrown, "huge new[] throws std::bad_alloc");
	thrown = false;
	try {
		void *x = ::operator new(huge, std::align_val_t(128));
		::operator delete(x, std::align_val_t(128));
	} catch (const std::bad_alloc &) {
		thrown = true;
	}
	CHECK(thrown, "huge aligned new throws std::bad_alloc");

	// The new-handler runs (here it removes itself, so the next try throws).
	std::set_new_handler(release_once);
	thrown = false;
	try {
		void *x = ::operator new(huge);
		::operator delete(x);
	} catch (const std::bad_alloc &) {
		thrown = true;
	}
	CHECK(thrown && handler_calls == 1, "new-handler called once (%d), then bad_alloc", handler_calls);
	return t_summary("cxxtest");
}
