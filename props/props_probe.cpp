// A trivial property that shows what ctest hands a property binary: rapidcheck prints
// "OK, passed N tests" with N from RC_PARAMS. With `fail` it fails, so that the
// reproduce line rapidcheck prints can be seen in ctest --output-on-failure.
// Run by props/rc_params_check.py through a nested ctest (test props_rc_params).
#include <cstring>

#include "props_main.hpp"

int main(int argc, char** argv) {
    const bool fail = argc > 1 && std::strcmp(argv[1], "fail") == 0;
    return props::run({{"probe", [fail] {
                            return rc::check("probe: a number is itself", [fail](int x) {
                                const bool holds = !fail || x < 0;
                                RC_ASSERT(holds);
                            });
                        }}});
}
