// Exits 0 only if tasks run through the installed library produced their values: a
// yield, a file written with write_all and read back with read_exact, a TCP round trip.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <string>

#include <kimojio/kimojio.hpp>

kimojio::Async<int> answer() {
    co_await kimojio::yield_io();
    char dir_template[] = "/tmp/kimojio-consumer-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) co_return 1;
    std::string path = std::string(dir_template) + "/f";
    kimojio::OwnedFd file = (co_await kimojio::open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600)).value();
    (co_await kimojio::write_all(file, std::span<const char>("42", 2))).value();
    std::array<char, 2> back{};
    (void)(co_await kimojio::pread(file, back, 0)).value();
    (co_await kimojio::unlink(path)).value();
    (co_await kimojio::rmdir(dir_template)).value();

    auto [a, b] = kimojio::bipipe();
    (void)(co_await kimojio::send(a, back, MSG_NOSIGNAL, std::nullopt)).value();
    std::array<char, 2> got{};
    (co_await kimojio::read_exact(b, got)).value();
    co_return (got[0] - '0') * 10 + (got[1] - '0');
}

int main() {
    auto result = kimojio::run(0, answer());
    return result && std::move(*result).value() == 42 ? 0 : 1;
}
