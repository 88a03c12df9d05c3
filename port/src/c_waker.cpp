// Beyond upstream: the C ABI of kimojio/waker.h over the index waker's vtable.
#include "kimojio/waker.h"

#include "kimojio/index_waker.hpp"

extern "C" {

const void* kimojio_waker_clone(const void* data) { return kimojio::index_waker_vtable().clone(data).data; }

void kimojio_waker_wake(const void* data) { kimojio::index_waker_vtable().wake(data); }

void kimojio_waker_wake_by_ref(const void* data) { kimojio::index_waker_vtable().wake_by_ref(data); }

void kimojio_waker_drop(const void* data) { kimojio::index_waker_vtable().drop(data); }
}
