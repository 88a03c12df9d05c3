# The file read benchmark: 4 KiB random reads from a file in page cache (bench/pread_run.py).
# kimojio and the raw liburing peer share the offsets and checks of pread_common.hpp.
# Included at the end of bench/CMakeLists.txt and, under the sanitizers (where the other
# benchmarks are not built), by the top-level CMakeLists.txt: its smoke test checks every
# block kimojio::pread reads with 1 and 32 reads in flight, worth running under ASan too.
set(KIMOJIO_BENCH_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(pread_bench ${KIMOJIO_BENCH_DIR}/pread_bench.cpp)
target_link_libraries(pread_bench PRIVATE kimojio::kimojio)
add_executable(liburing_pread ${KIMOJIO_BENCH_DIR}/peers/liburing_pread.cpp)
target_link_libraries(liburing_pread PRIVATE PkgConfig::LIBURING)

# ci/bench --pread once with tiny sizes (a 4 MiB file, 2,000 reads per program): every block
# checked against the file's pattern, the offsets read against the driver's own sequence.
# The tokio peer only where bench/CMakeLists.txt found cargo (not under the sanitizers).
if(BUILD_TESTING)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_FOUND)
    set(_pread_impls kimojio,raw_liburing)
    if(KIMOJIO_CARGO AND NOT KIMOJIO_SANITIZE)
      set(_pread_impls kimojio,raw_liburing,tokio_fs,tokio_blocking)
    endif()
    add_test(NAME bench_smoke_pread
      COMMAND ${Python3_EXECUTABLE} ${KIMOJIO_BENCH_DIR}/pread_run.py --runs 1 --size-mib 4 --quick 2000
              --impls ${_pread_impls} --no-instructions --no-write --bin $<TARGET_FILE_DIR:pread_bench>)
    set_tests_properties(bench_smoke_pread PROPERTIES LABELS bench-smoke TIMEOUT 300
      PASS_REGULAR_EXPRESSION "\\| 32 \\| [0-9,]+ ")
    if(TEST bench_smoke_peers_and_driver)  # which builds the tokio peer
      set_tests_properties(bench_smoke_pread PROPERTIES DEPENDS bench_smoke_peers_and_driver)
    endif()
  endif()
endif()
