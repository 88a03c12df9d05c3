// Port of kimojio/src/async_event.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// lines 235-366: WaitData, WaitSource, WaitList. They live in their own header because
// Task holds a WaitList by value, while the rest of async_event.rs (kimojio/async_event.hpp)
// needs Task. intrusive_collections::LinkedList becomes the small intrusive list below.
#pragma once

#include <cstdint>
#include <optional>

#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/std_task.hpp"
#include "kimojio/uuid.hpp"

namespace kimojio {

class WaitData;

// intrusive_collections::LinkedListLink
struct LinkedListLink {
    WaitData* prev = nullptr;
    WaitData* next = nullptr;
    bool linked = false;
    bool is_linked() const { return linked; }
};

class WaitData : public RcCounted {
public:
    WaitData(Uuid activity_id, std::optional<Waker> waker, std::uint16_t task_id, std::uint32_t tag)
        : activity_id(activity_id), waker(std::move(waker)), task_id(task_id), tag(tag) {}

    void set_waker(Context& cx) const;

    Uuid activity_id;
    // when it is enqueued, there is a Waker
    MutInPlaceCell<std::optional<Waker>> waker;
    std::uint16_t task_id;
    bool canceled = false;
    std::uint32_t tag;
    LinkedListLink link;
};

// LinkedList<WaitDataAdapter>: holds one strong count of every linked WaitData.
class WaitDataList {
public:
    WaitDataList() = default;
    WaitDataList(const WaitDataList&) = delete;
    WaitDataList& operator=(const WaitDataList&) = delete;
    ~WaitDataList();
    bool is_empty() const { return head_ == nullptr; }
    void push_back(Rc<WaitData> wait_data);
    std::optional<Rc<WaitData>> pop_front();
    // cursor_mut_from_ptr(..).remove(): `wait_data` must be linked in this list.
    Rc<WaitData> remove(WaitData* wait_data);

private:
    WaitData* head_ = nullptr;
    WaitData* tail_ = nullptr;
};

// A source a WaitFuture waits on (Rust trait WaitSource).
template <class S>
concept WaitSource = requires(const S& s, const Rc<WaitData>& w, std::uint16_t task_id, Uuid activity_id,
                              std::uint32_t tag) {
    { s.is_complete() } -> std::same_as<bool>;
    s.wake_all();
    s.register_(w, task_id, activity_id, tag);
    s.unregister(w);
};

class WaitList {
public:
    WaitList() = default;

    // Returns true if any tasks are waiting on this event.
    bool any_waiting() const;
    void wake_all() const;
    void register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id, std::uint32_t tag) const;
    void unregister(const Rc<WaitData>& wait_data) const;

private:
    bool wake_one() const;
    friend class AsyncEvent;
    MutInPlaceCell<WaitDataList> wait_data;
};

}  // namespace kimojio
