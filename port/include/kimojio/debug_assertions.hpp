// KIMOJIO_DEBUG_ASSERTIONS mirrors Rust's cfg(debug_assertions): 1 in Debug builds of
// the library, 0 otherwise. It comes from the generated kimojio/config.hpp, never from
// the user's NDEBUG, because types such as TaskStateCell change layout with it.
#pragma once

#include "kimojio/config.hpp"
