// Test-only switch that plants one known bug, to show the checks catch it. Never set in
// a normal build: -DKIMOJIO_PLANTED_BUG=<n> (CMake: KIMOJIO_PLANTED_BUG=<n>).
//
//   Handshake (caught by the Relacy model check, ci/planted-bugs):
//     1  `sleeping` stored relaxed                  kimojio/foreign_wake.hpp
//     2  no re-check of the pending set before sleeping
//     3  unregister does not wait for pins
//   Semantics (caught by the fuzz harnesses from the committed corpus, ci/mutants):
//     4  freed task indexes reused FIFO, not LIFO    kimojio/handle_table.hpp
//     5  the drain drops all but the lowest pending index of a bitmap word
//                                                    kimojio/foreign_wake.hpp
//     6  a wake of a Complete task schedules it      port/src/task.cpp
//     7  a local wake ignores the thread index       port/src/index_waker.cpp
#pragma once

#ifndef KIMOJIO_PLANTED_BUG
#define KIMOJIO_PLANTED_BUG 0
#endif
