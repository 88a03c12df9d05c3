// Prints block_on's EnterStats report (task.rs EnterStats::report) for two loops: one
// whose main task returns at once, one that waits for three nops. Run with
// KIMOJIO_ENTER_STATS=1 by tests/check_enter_stats.py, which checks the numbers agree.
#include "kimojio/kimojio.hpp"

namespace {
kimojio::Async<int> returns_at_once() { co_return 1; }

kimojio::Async<int> waits_for_nops(int n) {
    for (int i = 0; i < n; ++i) (void)(co_await kimojio::nop()).value();
    co_return n;
}
}  // namespace

int main() {
    { kimojio::Runtime runtime(0, kimojio::Configuration()); (void)runtime.block_on(returns_at_once()); }
    { kimojio::Runtime runtime(0, kimojio::Configuration()); (void)runtime.block_on(waits_for_nops(3)); }
}
