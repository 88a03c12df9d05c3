// KIMOJIO_DEBUG_ASSERTIONS mirrors Rust's cfg(debug_assertions): on unless NDEBUG.
// The CMake target sets it PUBLIC so a library and its users always agree on the
// layout of the types whose members depend on it (TaskStateCell, MutInPlaceCell).
#pragma once

#ifndef KIMOJIO_DEBUG_ASSERTIONS
#ifdef NDEBUG
#define KIMOJIO_DEBUG_ASSERTIONS 0
#else
#define KIMOJIO_DEBUG_ASSERTIONS 1
#endif
#endif
