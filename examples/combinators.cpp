// when_all, when_any and timeout over kimojio operations. README.md shows read_or_give_up
// verbatim (ctest readme_examples); ctest runs this program (example_combinators).
#include <array>
#include <chrono>
#include <cstdio>

#include "kimojio/kimojio.hpp"

using namespace std::chrono_literals;
using kimojio::Async;

Async<int> read_or_give_up() {
    auto [reader, writer] = kimojio::bipipe();
    std::array<char, 16> buffer{};
    // Nobody writes: the read is cancelled (and waited for) when the timeout fires.
    auto timed = co_await kimojio::timeout(kimojio::read(reader, buffer), 10ms);
    if (timed.is_err() && timed.error() == kimojio::TimeoutError::Timeout) std::puts("read timed out");

    // Both run at once; the tuple holds both outputs.
    auto [written, nop] = co_await kimojio::when_all(kimojio::write(writer, std::span<const char>("hi", 2)),
                                                     kimojio::nop());
    // The first to finish wins (variant index 0 here); the sleep is dropped and cancelled.
    auto first = co_await kimojio::when_any(kimojio::read(reader, buffer), kimojio::sleep(1h));
    co_return first.index() == 0 ? static_cast<int>(std::get<0>(first).value()) : -1;
}

int main() {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto got = runtime.block_on(read_or_give_up());
    if (!got || got->value() != 2) {
        std::fprintf(stderr, "combinators: expected to read 2 bytes\n");
        return 1;
    }
    std::puts("read 2 bytes after the timeout");
    return 0;
}
