// Exits 0 only if a task run through the installed library produced its value.
#include <kimojio/kimojio.hpp>

kimojio::Async<int> answer() {
    co_await kimojio::yield_io();
    co_return 42;
}

int main() {
    auto result = kimojio::run(0, answer());
    return result && std::move(*result).value() == 42 ? 0 : 1;
}
