// What the Relacy models in props/model/ share: a slot to construct the checked object
// in each iteration, and one line of output per check. Include after the header under
// test (which brings in Relacy through KIMOJIO_ATOMICS_HEADER).
#pragma once

#include <cstdio>
#include <new>

namespace model_support {

template <class T>
struct Slot {  // T constructed inside each Relacy iteration
    alignas(T) unsigned char bytes[sizeof(T)];
    template <class... A>
    T* make(A&&... a) { return new (bytes) T(static_cast<A&&>(a)...); }
    T* get() { return reinterpret_cast<T*>(bytes); }
    void destroy() { get()->~T(); }
};

template <class Test>
bool check(const char* name, rl::scheduler_type_e search, unsigned iterations, unsigned context_bound = 2) {
    rl::test_params params;
    params.search_type = search;
    params.iteration_count = iterations;
    params.context_bound = context_bound;
    params.output_history = false;
    std::printf("model check: %s ... ", name);
    std::fflush(stdout);
    bool ok = rl::simulate<Test>(params);
    std::printf("%s (%llu iterations)\n", ok ? "ok" : "FAILED", static_cast<unsigned long long>(params.stop_iteration));
    return ok;
}

}  // namespace model_support
