// C++-only: the fork() child handler (TaskState::get_slow) when pthread_atfork fails. This
// binary replaces pthread_atfork (the executable's definition wins over libc_nonshared's):
// a child-only registration, kimojio's, fails with ENOMEM until told otherwise; any other
// (a sanitizer runtime's) is registered as libc_nonshared's pthread_atfork would.
#include <doctest/doctest.h>
#include <pthread.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "kimojio/kimojio.hpp"

namespace {
int atfork_calls = 0;
int atfork_error = ENOMEM;
}  // namespace

extern "C" {
extern void* __dso_handle;
int __register_atfork(void (*prepare)(), void (*parent)(), void (*child)(), void* dso_handle);

// Not instrumented: the TSan runtime calls it while it initializes.
#if defined(__has_attribute) && __has_attribute(disable_sanitizer_instrumentation)
__attribute__((disable_sanitizer_instrumentation))
#endif
int pthread_atfork(void (*prepare)(), void (*parent)(), void (*child)()) {
    if (prepare == nullptr && parent == nullptr) {
        ++atfork_calls;
        if (atfork_error != 0) return atfork_error;
    }
    return __register_atfork(prepare, parent, child, __dso_handle);
}
}

TEST_CASE("a failed pthread_atfork throws a system_error that says what to do, and the next call registers it") {
    kimojio::Async<int> (*one)() = []() -> kimojio::Async<int> { co_return 1; };
    try {
        (void)kimojio::run(0, one());
        FAIL("the runtime started without its fork() child handler");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::not_enough_memory);
        CHECK(std::string(e.what()).find("pthread_atfork") != std::string::npos);
        CHECK(std::string(e.what()).find("free some memory") != std::string::npos);
    }
    CHECK(atfork_calls == 1);
    atfork_error = 0;  // memory freed
    auto result = kimojio::run(0, one());
    REQUIRE(result.has_value());
    CHECK(std::move(*result).value() == 1);
    CHECK(atfork_calls == 2);
    CHECK(kimojio::run(0, one()).has_value());
    CHECK(atfork_calls == 2);  // registered once
}
