// Shared by the property-test binaries: run named properties, report like a test runner.
// Reproduce a failure with the RC_PARAMS the failing run prints, e.g.
//   RC_PARAMS="seed=1234 reproduce=..." ./build/release/props/props_handle_table
#pragma once

#include <rapidcheck.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace props {

struct Property {
    std::string name;
    std::function<bool()> check;
};

inline int run(const std::vector<Property>& properties) {
    int passed = 0;
    int failed = 0;
    for (const auto& property : properties) {
        if (property.check()) {
            ++passed;
        } else {
            ++failed;
        }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

}  // namespace props
