// Properties of the cross-thread primitives against sequential models:
//  1. kimojio::sync::Notify: any sequence of notified() / poll / drop / notify_one /
//     notify_waiters on up to 4 waiters gives the outcome tokio's semantics predict
//     (the model: a permit bit, a FIFO of queued waiters, a notify_waiters count);
//  2. kimojio::sync::oneshot: any sequence of send / set_exception / sender drop /
//     receiver drop / try_recv / poll gives the outcome of a five-state model;
//  3. kimojio::sync::channel: any sequence of try_send / send futures created, polled
//     and dropped / recv / try_recv / close / sender clone and drop, at capacity 1-3,
//     gives the outcome of a model (a bounded FIFO plus a FIFO of waiting senders);
//  4. the same at capacity 1-64 with mostly sends and receives: the receiver takes up
//     to 64 messages in one batch, and capacity must still free one message at a time.
// All run in one task of a Runtime (the primitives are awaited only in tasks); the
// models and drivers are in sync_programs.hpp (fuzz/sync_fuzz.cpp uses them too).
#include "props_main.hpp"
#include "sync_programs.hpp"

using namespace sync_programs;

namespace {

bool notify_matches_model() {
    return rc::check("sync::Notify matches the sequential model", [] {
        auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
            rc::gen::pair(rc::gen::inRange(0, 5), rc::gen::inRange(0, WAITERS)));
        RC_ASSERT(run_in_task(notify_port(ops)) == notify_model(ops));
    });
}

bool oneshot_matches_model() {
    return rc::check("sync::oneshot matches the sequential model", [] {
        auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
            rc::gen::pair(rc::gen::inRange(0, 6), rc::gen::inRange(0, 100)));
        RC_ASSERT(run_in_task(oneshot_port(ops)) == oneshot_model(ops));
    });
}

bool channel_matches_model() {
    return rc::check("sync::channel matches the sequential model", [] {
        std::size_t capacity = *rc::gen::inRange<std::size_t>(1, 4);
        auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
            rc::gen::tuple(rc::gen::inRange(0, 9), rc::gen::inRange(0, SEND_SLOTS), rc::gen::inRange(0, 100)));
        RC_ASSERT(run_in_task(channel_port(capacity, ops)) == channel_model(capacity, ops));
    });
}

bool channel_batches_match_model() {
    return rc::check("sync::channel at capacity 1-64, mostly sends and receives, matches the sequential model", [] {
        std::size_t capacity = *rc::gen::inRange<std::size_t>(1, 65);
        auto op = rc::gen::weightedElement<int>({{8, int(ChannelOp::TrySend)}, {2, int(ChannelOp::SendCreate)},
                                                 {3, int(ChannelOp::SendPoll)}, {1, int(ChannelOp::SendDrop)},
                                                 {6, int(ChannelOp::Recv)}, {2, int(ChannelOp::TryRecv)},
                                                 {1, int(ChannelOp::Close)}});
        auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
            rc::gen::tuple(op, rc::gen::inRange(0, SEND_SLOTS), rc::gen::inRange(0, 100)));
        RC_ASSERT(run_in_task(channel_port(capacity, ops)) == channel_model(capacity, ops));
    });
}

}  // namespace

int main() {
    return props::run({
        {"notify", notify_matches_model},
        {"oneshot", oneshot_matches_model},
        {"channel", channel_matches_model},
        {"channel_batches", channel_batches_match_model},
    });
}
