// Helpers shared by the unit tests.
#pragma once

#include <doctest/doctest.h>

#include <vector>

#include "kimojio/kimojio.hpp"

namespace test_support {

// A future that is Pending until `*ready` is true; stores the waker it was given.
struct FlagFuture {
    const bool* ready;
    std::optional<kimojio::Waker>* waker_out = nullptr;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (*ready) {
            return kimojio::Ready;
        }
        if (waker_out != nullptr) {
            *waker_out = cx.waker();
        }
        return kimojio::Pending;
    }
};

// futures::future::join_all: polls every unfinished future until all are Ready.
template <class F>
struct JoinAll {
    std::vector<F> futures;
    std::vector<bool> done;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        done.resize(futures.size(), false);
        bool all = true;
        for (std::size_t i = 0; i < futures.size(); ++i) {
            if (!done[i]) {
                auto polled = futures[i].poll(cx);
                done[i] = polled.is_ready();
                all = all && done[i];
            }
        }
        return all ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

// in_flight_io without the runtime's own eventfd read (armed whenever the loop slept).
inline std::uint64_t user_in_flight_io() {
    auto task_state = kimojio::TaskState::get();
    return task_state->stats.in_flight_io - (task_state->foreign_wake_read_armed ? 1 : 0);
}

// Runs `body` as the main task of a fresh Runtime on this thread and rethrows
// anything it threw. Fails the test if the runtime was shut down first.
template <class F>
auto run_test(F body, kimojio::Configuration configuration = kimojio::Configuration()) {
    kimojio::Runtime runtime(0, std::move(configuration));
    auto result = runtime.block_on(std::move(body));
    REQUIRE(result.has_value());
    return std::move(*result).value();
}

// What each RingEnterEnd trace event reported.
struct EnterRecord {
    std::uint64_t in_flight_io;
    bool want;
};
// Records every ring enter of a runtime (its trace configuration).
class RecordingEnterTrace final : public kimojio::TraceConfiguration {
public:
    explicit RecordingEnterTrace(std::vector<EnterRecord>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope event) override {
        if (auto* enter = std::get_if<kimojio::events::RingEnterEnd>(&event.event)) {
            out_->push_back({enter->in_flight_io, enter->want});
        }
    }

private:
    std::vector<EnterRecord>* out_;
};

}  // namespace test_support
