// The sequential models of the cross-thread primitives and the drivers that run the same
// operations on the port, shared by props/props_sync.cpp (rapidcheck) and
// fuzz/sync_fuzz.cpp (libFuzzer). Each `*_port` runs in one task of a Runtime and returns
// what each operation observed; each `*_model` predicts it.
//  - Notify: tokio's semantics (a permit bit, a FIFO of queued waiters, a notify_waiters
//    count);
//  - oneshot: a five-state model;
//  - channel: a bounded FIFO plus a FIFO of waiting senders.
#pragma once

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace sync_programs {

using kimojio::Async;

template <class F>
struct PollOnceWith {
    F* future;
    std::string* outcome;
    kimojio::Poll<bool> poll(kimojio::Context& cx) {
        try {
            auto polled = future->poll(cx);
            *outcome = polled.is_ready() ? "ready" : "pending";
        } catch (const std::runtime_error&) {
            *outcome = "throws";
        }
        return true;
    }
};

inline std::vector<std::string> run_in_task(Async<std::vector<std::string>> body) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(std::move(body));
    if (!result) {
        throw std::runtime_error("sync_programs: the runtime was shut down before the program finished");
    }
    return std::move(*result).value();
}

// ---------------------------------------------------------------- Notify

enum class NotifyOp { Create, Poll, Drop, NotifyOne, NotifyWaiters };
constexpr int WAITERS = 4;

inline std::vector<std::string> notify_model(const std::vector<std::pair<int, int>>& ops) {
    enum class S { None, Idle, Queued, One, All, Done };
    S state[WAITERS] = {S::None, S::None, S::None, S::None};
    unsigned created_at[WAITERS] = {};
    bool permit = false;
    unsigned calls = 0;
    std::deque<int> queue;
    std::vector<std::string> out;
    auto notify_one = [&] {
        if (!queue.empty()) {
            state[queue.front()] = S::One;
            queue.pop_front();
        } else {
            permit = true;
        }
    };
    auto drop = [&](int k) {
        if (state[k] == S::Queued) {
            std::erase(queue, k);
        } else if (state[k] == S::One) {
            notify_one();
        }
        state[k] = S::None;
    };
    for (auto [op, k] : ops) {
        switch (static_cast<NotifyOp>(op)) {
            case NotifyOp::Create:
                drop(k);
                state[k] = S::Idle;
                created_at[k] = calls;
                break;
            case NotifyOp::Poll:
                switch (state[k]) {
                    case S::None: out.push_back("none"); break;
                    case S::Idle:
                        if (calls != created_at[k] || permit) {
                            if (calls == created_at[k]) permit = false;
                            state[k] = S::Done;
                            out.push_back("ready");
                        } else {
                            state[k] = S::Queued;
                            queue.push_back(k);
                            out.push_back("pending");
                        }
                        break;
                    case S::Queued: out.push_back("pending"); break;
                    case S::One:
                    case S::All:
                        state[k] = S::Done;
                        out.push_back("ready");
                        break;
                    case S::Done: out.push_back("throws"); break;
                }
                break;
            case NotifyOp::Drop: drop(k); break;
            case NotifyOp::NotifyOne: notify_one(); break;
            case NotifyOp::NotifyWaiters:
                calls += 1;
                for (int q : queue) state[q] = S::All;
                queue.clear();
                break;
        }
    }
    return out;
}

inline Async<std::vector<std::string>> notify_port(std::vector<std::pair<int, int>> ops) {
    kimojio::sync::Notify notify;
    std::optional<kimojio::sync::Notified> waiters[WAITERS];
    std::vector<std::string> out;
    for (auto [op, k] : ops) {
        switch (static_cast<NotifyOp>(op)) {
            case NotifyOp::Create:
                waiters[k].reset();
                waiters[k].emplace(notify.notified());
                break;
            case NotifyOp::Poll:
                if (!waiters[k]) {
                    out.push_back("none");
                } else {
                    std::string outcome;
                    co_await PollOnceWith<kimojio::sync::Notified>{&*waiters[k], &outcome};
                    out.push_back(outcome);
                }
                break;
            case NotifyOp::Drop: waiters[k].reset(); break;
            case NotifyOp::NotifyOne: notify.notify_one(); break;
            case NotifyOp::NotifyWaiters: notify.notify_waiters(); break;
        }
    }
    co_return out;
}


// ---------------------------------------------------------------- oneshot

enum class OneshotOp { Send, SetException, DropSender, DropReceiver, TryRecv, Poll };

inline std::vector<std::string> oneshot_model(const std::vector<std::pair<int, int>>& ops) {
    enum class P { Empty, Value, Error, Dropped, Taken };
    P phase = P::Empty;
    int value = 0;
    bool sender = true, receiver = true;
    std::vector<std::string> out;
    auto receive = [&](bool poll) {
        switch (phase) {
            case P::Empty: return std::string(poll ? "pending" : "empty");
            case P::Value: phase = P::Taken; return "value " + std::to_string(value);
            case P::Error: phase = P::Taken; return std::string("error");
            case P::Dropped: return std::string("recv error");
            case P::Taken: return std::string("used");
        }
        return std::string();
    };
    auto finish = [&](P p, int v) {
        bool delivered = receiver;
        if (delivered) {
            phase = p;
            value = v;
        }
        sender = false;
        return delivered;
    };
    for (auto [op, v] : ops) {
        switch (static_cast<OneshotOp>(op)) {
            case OneshotOp::Send:
                out.push_back(!sender ? "used" : finish(P::Value, v) ? "sent" : "returned " + std::to_string(v));
                break;
            case OneshotOp::SetException:
                out.push_back(!sender ? "used" : finish(P::Error, 0) ? "sent" : "returned");
                break;
            case OneshotOp::DropSender:
                if (sender) finish(P::Dropped, 0);
                break;
            case OneshotOp::DropReceiver: receiver = false; break;
            case OneshotOp::TryRecv: out.push_back(receiver ? receive(false) : "no receiver"); break;
            case OneshotOp::Poll: out.push_back(receiver ? receive(true) : "no receiver"); break;
        }
    }
    return out;
}

template <class F>
std::string outcome_of(F&& f) {
    try {
        return f();
    } catch (const kimojio::sync::RecvError&) {
        return "recv error";
    } catch (const kimojio::sync::OneshotUsedError&) {
        return "used";
    } catch (const std::out_of_range&) {
        return "error";
    }
}

inline Async<std::vector<std::string>> oneshot_port(std::vector<std::pair<int, int>> ops) {
    auto [s, r] = kimojio::sync::oneshot<int>();
    std::optional<kimojio::sync::OneshotSender<int>> sender(std::move(s));
    std::optional<kimojio::sync::OneshotReceiver<int>> receiver(std::move(r));
    // A used sender stays in place (sending again must throw), a dropped one is gone.
    bool sender_dropped = false;
    std::vector<std::string> out;
    for (auto [op, v] : ops) {
        switch (static_cast<OneshotOp>(op)) {
            case OneshotOp::Send:
                out.push_back(sender_dropped ? "used" : outcome_of([&, v = v] {
                    auto result = sender->send(v);
                    return result.is_ok() ? std::string("sent") : "returned " + std::to_string(result.error());
                }));
                break;
            case OneshotOp::SetException:
                out.push_back(sender_dropped ? "used" : outcome_of([&] {
                    return std::string(sender->set_exception(std::make_exception_ptr(std::out_of_range("e"))) ? "sent"
                                                                                                            : "returned");
                }));
                break;
            case OneshotOp::DropSender:
                sender.reset();
                sender_dropped = true;
                break;
            case OneshotOp::DropReceiver: receiver.reset(); break;
            case OneshotOp::TryRecv:
                out.push_back(!receiver ? "no receiver" : outcome_of([&] {
                    auto got = receiver->try_recv();
                    return got ? "value " + std::to_string(*got) : std::string("empty");
                }));
                break;
            case OneshotOp::Poll:
                if (!receiver) {
                    out.push_back("no receiver");
                    break;
                }
                {
                    std::string outcome;
                    struct PollValue {
                        kimojio::sync::OneshotReceiver<int>* r;
                        std::string* outcome;
                        kimojio::Poll<bool> poll(kimojio::Context& cx) {
                            *outcome = outcome_of([&] {
                                auto polled = r->poll(cx);
                                return polled.is_ready() ? "value " + std::to_string(polled.take()) : std::string("pending");
                            });
                            return true;
                        }
                    };
                    co_await PollValue{&*receiver, &outcome};
                    out.push_back(outcome);
                }
                break;
        }
    }
    co_return out;
}


// ---------------------------------------------------------------- channel

enum class ChannelOp { TrySend, SendCreate, SendPoll, SendDrop, Recv, TryRecv, Close, CloneSender, DropSender };
constexpr int SEND_SLOTS = 3;

inline std::vector<std::string> channel_model(std::size_t capacity, const std::vector<std::tuple<int, int, int>>& ops) {
    enum class S { None, Idle, Queued, Sent, Done };
    struct Slot {
        S state = S::None;
        int value = 0;
    } slots[SEND_SLOTS];
    std::deque<int> buffer;
    std::deque<int> waiters;  // slot numbers
    bool closed = false;
    int senders = 1;
    std::vector<std::string> out;
    auto drop_slot = [&](int k) {
        if (slots[k].state == S::Queued) std::erase(waiters, k);
        slots[k].state = S::None;
    };
    auto recv = [&](bool poll) -> std::string {
        if (!buffer.empty()) {
            int v = buffer.front();
            buffer.pop_front();
            if (!waiters.empty() && buffer.size() < capacity) {
                int k = waiters.front();
                waiters.pop_front();
                buffer.push_back(slots[k].value);
                slots[k].state = S::Sent;
            }
            return "got " + std::to_string(v);
        }
        if (!poll) return "none";
        return closed || senders == 0 ? "end" : "pending";
    };
    for (auto [op, k, v] : ops) {
        k %= SEND_SLOTS;
        switch (static_cast<ChannelOp>(op)) {
            case ChannelOp::TrySend:
                if (senders == 0) out.push_back("no sender");
                else if (closed) out.push_back("closed " + std::to_string(v));
                else if (buffer.size() >= capacity || !waiters.empty()) out.push_back("full " + std::to_string(v));
                else { buffer.push_back(v); out.push_back("ok"); }
                break;
            case ChannelOp::SendCreate:
                if (senders == 0) { out.push_back("no sender"); break; }
                drop_slot(k);
                slots[k] = {S::Idle, v};
                break;
            case ChannelOp::SendPoll: {
                Slot& slot = slots[k];
                switch (slot.state) {
                    case S::None: out.push_back("none"); break;
                    case S::Done: out.push_back("throws"); break;
                    case S::Queued: out.push_back("pending"); break;
                    case S::Sent: slot.state = S::Done; out.push_back("ok"); break;
                    case S::Idle:
                        if (closed) { slot.state = S::Done; out.push_back("err " + std::to_string(slot.value)); }
                        else if (buffer.size() < capacity && waiters.empty()) {
                            buffer.push_back(slot.value);
                            slot.state = S::Done;
                            out.push_back("ok");
                        } else { slot.state = S::Queued; waiters.push_back(k); out.push_back("pending"); }
                        break;
                }
                break;
            }
            case ChannelOp::SendDrop: drop_slot(k); break;
            case ChannelOp::Recv: out.push_back(recv(true)); break;
            case ChannelOp::TryRecv: out.push_back(recv(false)); break;
            case ChannelOp::Close:
                closed = true;
                for (int w : waiters) slots[w].state = S::Idle;
                waiters.clear();
                break;
            case ChannelOp::CloneSender: if (senders > 0) senders += 1; break;
            case ChannelOp::DropSender: if (senders > 0) senders -= 1; break;
        }
    }
    return out;
}

inline Async<std::vector<std::string>> channel_port(std::size_t capacity, std::vector<std::tuple<int, int, int>> ops) {
    using Sender = kimojio::sync::ChannelSender<int>;
    auto [tx, rx] = kimojio::sync::channel<int>(capacity);
    std::vector<Sender> senders;
    senders.push_back(std::move(tx));
    std::optional<Sender::SendFuture> slots[SEND_SLOTS];
    std::vector<std::string> out;
    for (auto [op, k, v] : ops) {
        k %= SEND_SLOTS;
        switch (static_cast<ChannelOp>(op)) {
            case ChannelOp::TrySend: {
                if (senders.empty()) { out.push_back("no sender"); break; }
                auto result = senders.front().try_send(v);
                if (result.is_ok()) out.push_back("ok");
                else out.push_back(std::string(result.error().kind == kimojio::sync::TrySendError<int>::Kind::Full ? "full " : "closed ") +
                                   std::to_string(result.error().value));
                break;
            }
            case ChannelOp::SendCreate:
                if (senders.empty()) { out.push_back("no sender"); break; }
                slots[k].reset();
                slots[k].emplace(senders.front().send(v));
                break;
            case ChannelOp::SendPoll: {
                if (!slots[k]) { out.push_back("none"); break; }
                struct PollSend {
                    Sender::SendFuture* f;
                    std::string* outcome;
                    kimojio::Poll<bool> poll(kimojio::Context& cx) {
                        try {
                            auto polled = f->poll(cx);
                            if (polled.is_pending()) *outcome = "pending";
                            else if (polled.value().is_ok()) *outcome = "ok";
                            else *outcome = "err " + std::to_string(polled.value().error());
                        } catch (const std::runtime_error&) {
                            *outcome = "throws";
                        }
                        return true;
                    }
                };
                std::string outcome;
                co_await PollSend{&*slots[k], &outcome};
                out.push_back(outcome);
                break;
            }
            case ChannelOp::SendDrop: slots[k].reset(); break;
            case ChannelOp::Recv: {
                auto recv = rx.recv();
                std::string outcome;
                struct PollRecv {
                    decltype(recv)* f;
                    std::string* outcome;
                    kimojio::Poll<bool> poll(kimojio::Context& cx) {
                        auto polled = f->poll(cx);
                        *outcome = polled.is_pending() ? "pending" : polled.value() ? "got " + std::to_string(*polled.value()) : "end";
                        return true;
                    }
                };
                co_await PollRecv{&recv, &outcome};
                out.push_back(outcome);
                break;
            }
            case ChannelOp::TryRecv: {
                auto got = rx.try_recv();
                out.push_back(got ? "got " + std::to_string(*got) : "none");
                break;
            }
            case ChannelOp::Close: rx.close(); break;
            case ChannelOp::CloneSender: if (!senders.empty()) senders.push_back(senders.front()); break;
            case ChannelOp::DropSender: if (!senders.empty()) senders.pop_back(); break;
        }
    }
    co_return out;
}

}  // namespace sync_programs
