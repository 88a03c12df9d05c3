// Port of kimojio/src/async_event.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (the non-template bodies of AsyncEvent, WaitData, WaitList, in Rust order).
#include "kimojio/async_event.hpp"

namespace kimojio {

// async_event.rs:67-70 AsyncEvent::set (part 2 of 2: definition)
void AsyncEvent::set() const {
    state = true;
    waiting_tasks.wake_all();
}

// async_event.rs:104-113 AsyncEvent::set_wake_n (part 2 of 2: definition)
void AsyncEvent::set_wake_n(std::size_t count) const {
    state = true;
    while (count > 0) {
        if (waiting_tasks.wake_one()) {
            count -= 1;
        } else {
            break;
        }
    }
}

// async_event.rs:117-120 AsyncEvent::reset (part 2 of 2: definition)
void AsyncEvent::reset() const {
    state = false;
    waiting_tasks.wake_all();
}

// async_event.rs:249-253 WaitData::set_waker (part 2 of 2: definition)
void WaitData::set_waker(Context& cx) const {
    waker.use_mut([&](std::optional<Waker>& waker) { waker = cx.waker(); });
}

// async_event.rs:246 WaitDataAdapter (part 2 of 5: WaitDataList::~WaitDataList)
WaitDataList::~WaitDataList() {
    while (pop_front()) {
    }
}

// async_event.rs:246 WaitDataAdapter (part 3 of 5: WaitDataList::push_back)
void WaitDataList::push_back(Rc<WaitData> wait_data) {
    WaitData* node = const_cast<WaitData*>(Rc<WaitData>::into_raw(std::move(wait_data)));
    node->link.prev = tail_;
    node->link.next = nullptr;
    node->link.linked = true;
    if (tail_ != nullptr) {
        tail_->link.next = node;
    } else {
        head_ = node;
    }
    tail_ = node;
}

// async_event.rs:246 WaitDataAdapter (part 4 of 5: WaitDataList::pop_front)
std::optional<Rc<WaitData>> WaitDataList::pop_front() {
    if (head_ == nullptr) {
        return std::nullopt;
    }
    return remove(head_);
}

// async_event.rs:246 WaitDataAdapter (part 5 of 5: WaitDataList::remove)
Rc<WaitData> WaitDataList::remove(WaitData* node) {
    if (node->link.prev != nullptr) {
        node->link.prev->link.next = node->link.next;
    } else {
        head_ = node->link.next;
    }
    if (node->link.next != nullptr) {
        node->link.next->link.prev = node->link.prev;
    } else {
        tail_ = node->link.prev;
    }
    node->link = LinkedListLink{};
    return Rc<WaitData>::from_raw(node);
}

// async_event.rs:302-304 WaitList::any_waiting (part 2 of 2: definition)
bool WaitList::any_waiting() const {
    return wait_data.use_mut([](WaitDataList& wait_data) { return !wait_data.is_empty(); });
}

// async_event.rs:306-333 WaitList::wake_one (part 2 of 2: definition)
bool WaitList::wake_one() const {
    std::optional<Rc<WaitData>> task = wait_data.use_mut([](WaitDataList& wait_data) { return wait_data.pop_front(); });
    if (task) {
        {
            // Scope task_state to within this block because the waker.wake()
            // call will invoke the RawWakerVTable APIs that internally will
            // call TaskState::get() which is illegal while it is borrowed.
            TaskStateCellRef task_state = TaskState::get();
            task_state->write_event((*task)->task_id, events::AsyncWaitEnd{(*task)->activity_id, (*task)->tag});
        }

        (*task)->waker.use_mut([](std::optional<Waker>& waker) {
            if (waker) {
                waker->wake_by_ref();
            }
        });
        return true;
    } else {
        return false;
    }
}

// async_event.rs:335-337 WaitList::wake_all (part 2 of 2: definition)
void WaitList::wake_all() const {
    while (wake_one()) {
    }
}

// async_event.rs:339-347 WaitList::register (part 2 of 2: definition)
void WaitList::register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id,
                         std::uint32_t tag) const {
    if (!wait_data->link.is_linked()) {
        this->wait_data.use_mut([&](WaitDataList& waiting_tasks) { waiting_tasks.push_back(wait_data); });

        TaskState::get()->write_event(task_id, events::AsyncWaitStart{activity_id, tag});
    }
}

// async_event.rs:349-359 WaitList::unregister (part 2 of 2: definition)
void WaitList::unregister(const Rc<WaitData>& wait_data) const {
    if (wait_data->link.is_linked()) {
        this->wait_data.use_mut([&](WaitDataList& waiting_tasks) {
            // the is_linked check above ensures that WaitData is still in the list,
            // and waiting_tasks is the only list that WaitData can be in.
            waiting_tasks.remove(const_cast<WaitData*>(Rc<WaitData>::as_ptr(wait_data)));
        });
    }
}

}  // namespace kimojio
