// Port of kimojio/src/async_event.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// lines 235-366: WaitData, WaitSource, WaitList. They live in their own header because
// Task holds a WaitList by value, while the rest of async_event.rs (kimojio/async_event.hpp)
// needs Task. intrusive_collections::LinkedList becomes the small intrusive list below.
#pragma once

#include <cstdint>
#include <optional>

#include "kimojio/block_pool.hpp"
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

// async_event.rs:236-244 WaitData
class WaitData : public RcCounted, public block_pool::Pooled {  // performance: pooled (see block_pool.hpp)
public:
    WaitData(Uuid activity_id, std::optional<Waker> waker, std::uint16_t task_id, std::uint32_t tag)
        : activity_id(activity_id), waker(std::move(waker)), task_id(task_id), tag(tag) {}

    // async_event.rs:249-253 WaitData::set_waker (part 1 of 2: declaration)
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
// async_event.rs:246 WaitDataAdapter (part 1 of 5: WaitDataList)
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
// async_event.rs:256-261 WaitSource
template <class S>
concept WaitSource = requires(const S& s, const Rc<WaitData>& w, std::uint16_t task_id, Uuid activity_id,
                              std::uint32_t tag) {
    { s.is_complete() } -> std::same_as<bool>;
    s.wake_all();
    s.register_(w, task_id, activity_id, tag);
    s.unregister(w);
};

// async_event.rs:289-291 WaitList
class WaitList {
public:
    // async_event.rs:294-298 WaitList::new
    WaitList() = default;

    // Returns true if any tasks are waiting on this event.
    // async_event.rs:302-304 WaitList::any_waiting (part 1 of 2: declaration)
    bool any_waiting() const;
    // async_event.rs:335-337 WaitList::wake_all (part 1 of 2: declaration)
    void wake_all() const;
    // async_event.rs:339-347 WaitList::register (part 1 of 2: declaration)
    void register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id, std::uint32_t tag) const;
    // async_event.rs:349-359 WaitList::unregister (part 1 of 2: declaration)
    void unregister(const Rc<WaitData>& wait_data) const;

private:
    // async_event.rs:306-333 WaitList::wake_one (part 1 of 2: declaration)
    bool wake_one() const;
    friend class AsyncEvent;
    MutInPlaceCell<WaitDataList> wait_data;
};

}  // namespace kimojio
