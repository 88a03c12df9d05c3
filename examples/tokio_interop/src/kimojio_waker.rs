//! A kimojio task's waker as a `std::task::Waker`, through the C ABI of
//! `kimojio/waker.h`. The data word is (thread index << 16 | task index): clone copies
//! it, drop does nothing, so building the Waker allocates nothing. Any thread may use it.
use std::task::{RawWaker, RawWakerVTable, Waker};

extern "C" {
    fn kimojio_waker_clone(data: *const ()) -> *const ();
    fn kimojio_waker_wake(data: *const ());
    fn kimojio_waker_wake_by_ref(data: *const ());
    fn kimojio_waker_drop(data: *const ());
}

unsafe fn clone(data: *const ()) -> RawWaker {
    RawWaker::new(kimojio_waker_clone(data), &VTABLE)
}
unsafe fn wake(data: *const ()) {
    kimojio_waker_wake(data)
}
unsafe fn wake_by_ref(data: *const ()) {
    kimojio_waker_wake_by_ref(data)
}
unsafe fn drop(data: *const ()) {
    kimojio_waker_drop(data)
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);

/// The Waker of the kimojio task whose waker word is `data`
/// (`kimojio_waker_data(waker)` in C++).
pub fn from_word(data: usize) -> Waker {
    // SAFETY: the vtable upholds the RawWaker contract for any word: kimojio wakers have
    // no ownership (clone copies, drop is a no-op) and a stale word is a no-op wake.
    unsafe { Waker::from_raw(RawWaker::new(data as *const (), &VTABLE)) }
}
