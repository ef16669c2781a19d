// The new-handler corners of operator new, built twice: with libstdc++ (g++)
// and with libc++ (clang++ -stdlib=libc++).
// - nothrow forms return nullptr even when the new-handler throws;
// - a huge throwing new throws std::bad_alloc (libc++ too);
// - an aligned new with a non-power-of-two alignment throws at once, without
//   calling the new-handler.
#include <cstdint>
#include <cstdio>
#include <new>

static int failed, handler_calls;

#define CHECK(cond, what)                                      \
	do {                                                   \
		if (!(cond)) {                                 \
			failed++;                              \
			std::printf("not ok: %s\n", what);     \
		}                                              \
	} while (0)

static void throwing_handler()
{
	handler_calls++;
	throw std::bad_alloc();
}

static volatile size_t twenty_four = 24;  // a constant would be rejected by the compiler

static void counting_handler()
{
	if (++handler_calls >= 3)
		std::set_new_handler(nullptr);
}

int main()
{
	volatile size_t huge = sizeof(size_t) == 8 ? SIZE_MAX / 4 : SIZE_MAX - 65536;  // more than 32 bits address

	std::set_new_handler(throwing_handler);
	CHECK(::operator new(huge, std::nothrow) == nullptr, "nothrow new, throwing handler");
	CHECK(::operator new[](huge, std::nothrow) == nullptr, "nothrow new[], throwing handler");
	CHECK(::operator new(huge, std::align_val_t(64), std::nothrow) == nullptr, "aligned nothrow new, throwing handler");
	CHECK(::operator new[](huge, std::align_val_t(64), std::nothrow) == nullptr, "aligned nothrow new[], throwing handler");
	CHECK(handler_calls >= 4, "the throwing handler ran");

	std::set_new_handler(nullptr);
	bool thrown = false;
	try {
		void *p = ::operator new(huge);
		::operator delete(p);
	} catch (const std::bad_alloc &) {
		thrown = true;
	}
	CHECK(thrown, "huge new throws std::bad_alloc");

	handler_calls = 0;
	std::set_new_handler(counting_handler);
	thrown = false;
	try {
		void *p = ::operator new(100, std::align_val_t(twenty_four));
		::operator delete(p, std::align_val_t(twenty_four));
	} catch (const std::bad_alloc &) {
		thrown = true;
	}
	CHECK(thrown, "alignment 24 throws std::bad_alloc");
	std::printf("alignment 24: handler called %d times\n", handler_calls);
	std::set_new_handler(nullptr);
	std::printf("newedge: %d failed\n", failed);
	return failed ? 1 : 0;
}
