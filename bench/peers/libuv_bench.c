/* libuv peer: round trip (a plain thread uv_async_send()s to the loop, whose callback
 * writes an eventfd back) and throughput (N threads uv_async_send() to 64 handles while
 * an idle handle keeps the loop busy). Prints RESULT lines for ci/bench.
 *   libuv_bench round_trip [n] | throughput <threads> [n] */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static void write_one(int fd) {
    uint64_t one = 1;
    if (write(fd, &one, sizeof one) != sizeof one) abort();
}
static void read_one(int fd) {
    uint64_t v;
    while (read(fd, &v, sizeof v) != sizeof v) {
    }
}
static int cmp(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

/* ---- round trip ---- */
static uv_async_t ping;
static int back_fd, total, answered;
static double* samples;

static void on_ping(uv_async_t* h) {
    write_one(back_fd);
    if (++answered == total) uv_close((uv_handle_t*)h, NULL);
}
static void* pinger(void* arg) {
    (void)arg;
    for (int i = 0; i < total; ++i) {
        double start = now_ns();
        uv_async_send(&ping);
        read_one(back_fd);
        samples[i] = now_ns() - start;
    }
    return NULL;
}
static void round_trip(int n) {
    total = n;
    samples = calloc((size_t)n, sizeof *samples);
    back_fd = eventfd(0, EFD_CLOEXEC);
    uv_loop_t* loop = uv_default_loop();
    uv_async_init(loop, &ping, on_ping);
    pthread_t t;
    pthread_create(&t, NULL, pinger, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    pthread_join(t, NULL);
    qsort(samples, (size_t)n, sizeof *samples, cmp);
    printf("RESULT round_trip libuv %.6g ns\n", samples[n / 2]);
}

/* ---- throughput ---- */
static uv_async_t targets[64];
static uv_idle_t busy;
static int per_thread;
static volatile int stop_flag;
static void on_target(uv_async_t* h) { (void)h; }
static void on_busy(uv_idle_t* h) {
    if (__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
        uv_idle_stop(h);
        uv_close((uv_handle_t*)h, NULL);
        for (int i = 0; i < 64; ++i) uv_close((uv_handle_t*)&targets[i], NULL);
    }
}
static void* waker(void* arg) {
    int t = (int)(intptr_t)arg;
    for (int k = 0; k < per_thread; ++k) uv_async_send(&targets[(k + t * 7) % 64]);
    return NULL;
}
struct coord_args { int threads; double seconds; };
static void* coordinator(void* arg) {
    struct coord_args* a = arg;
    pthread_t th[64];
    double start = now_ns();
    for (int t = 0; t < a->threads; ++t) pthread_create(&th[t], NULL, waker, (void*)(intptr_t)t);
    for (int t = 0; t < a->threads; ++t) pthread_join(th[t], NULL);
    a->seconds = (now_ns() - start) / 1e9;
    __atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
    return NULL;
}
static void throughput(int threads, int n) {
    per_thread = n;
    uv_loop_t* loop = uv_default_loop();
    for (int i = 0; i < 64; ++i) uv_async_init(loop, &targets[i], on_target);
    uv_idle_init(loop, &busy);
    uv_idle_start(&busy, on_busy);
    struct coord_args a = {threads, 0};
    pthread_t c;
    pthread_create(&c, NULL, coordinator, &a);
    uv_run(loop, UV_RUN_DEFAULT);
    pthread_join(c, NULL);
    printf("RESULT throughput_%d libuv %.6g wakes/s\n", threads, (double)threads * n / a.seconds);
}

int main(int argc, char** argv) {
    const char* what = argc > 1 ? argv[1] : "";
    if (!strcmp(what, "round_trip")) round_trip(argc > 2 ? atoi(argv[2]) : 20000);
    else if (!strcmp(what, "throughput")) throughput(argc > 2 ? atoi(argv[2]) : 1, argc > 3 ? atoi(argv[3]) : 200000);
    else {
        fprintf(stderr, "usage: %s round_trip [n] | throughput <threads> [n]\n", argv[0]);
        return 2;
    }
    return 0;
}
