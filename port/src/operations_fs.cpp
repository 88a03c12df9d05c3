// Port of the file operations of kimojio/src/operations.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f (lines 86-296 and 372-394: open .. fallocate,
// fsync, sync_file_range), in Rust order. The rest of operations.rs is in operations.cpp.
#include <string>
#include <utility>

#include "kimojio/operations.hpp"

namespace kimojio {

namespace {
// Not in Rust (whose &CStr cannot hold a NUL): the checked, owned copy of a path. The
// Completion owns it, so the path outlives the I/O even if the future is dropped.
template <std::size_t N>
std::unique_ptr<BoxAnyOf<std::array<std::string, N>>> owned_paths(const char* operation,
                                                                   std::array<std::string_view, N> paths) {
    std::array<std::string, N> copies;
    for (std::size_t i = 0; i < N; ++i) {
        std::size_t nul = paths[i].find('\0');
        if (nul != std::string_view::npos) {
            throw std::invalid_argument(std::string("kimojio::") + operation + ": the path has a NUL byte at offset " +
                                        std::to_string(nul) + "; paths are null-terminated strings, pass one without NUL");
        }
        copies[i] = std::string(paths[i]);
    }
    return std::make_unique<BoxAnyOf<std::array<std::string, N>>>(std::move(copies));
}

const char* path_of(const std::unique_ptr<BoxAnyOf<std::array<std::string, 1>>>& box) { return box->value[0].c_str(); }
}  // namespace

// operations.rs:86-97 open (part 2 of 2: definition)
OwnedFdFuture open(std::string_view filename, int flags, mode_t mode) {
    auto path = owned_paths<1>("open", {filename});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_openat(&entry, dirfd, path_of(path), flags, mode);
    return OwnedFdFuture::with_polled(entry, -1, std::nullopt, IOType::Open, false,
                                      completion_resources::Box{std::move(path)});
}

// operations.rs:105-113 link (part 2 of 2: definition)
UnitFuture link(std::string_view oldpath, std::string_view newpath) {
    auto paths = owned_paths<2>("link", {oldpath, newpath});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_linkat(&entry, dirfd, paths->value[0].c_str(), dirfd, paths->value[1].c_str(), 0);
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Link, false,
                                   completion_resources::Box{std::move(paths)});
}

// operations.rs:121-129 symlink (part 2 of 2: definition)
UnitFuture symlink(std::string_view target, std::string_view linkpath) {
    auto paths = owned_paths<2>("symlink", {target, linkpath});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_symlinkat(&entry, paths->value[0].c_str(), dirfd, paths->value[1].c_str());
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Symlink, false,
                                   completion_resources::Box{std::move(paths)});
}

// operations.rs:137-147 mkdir (part 2 of 2: definition)
UnitFuture mkdir(std::string_view pathname, mode_t mode) {
    auto path = owned_paths<1>("mkdir", {pathname});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_mkdirat(&entry, dirfd, path_of(path), mode);
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Mkdir, false,
                                   completion_resources::Box{std::move(path)});
}

// operations.rs:155-165 rmdir (part 2 of 2: definition)
UnitFuture rmdir(std::string_view pathname) {
    auto path = owned_paths<1>("rmdir", {pathname});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_unlinkat(&entry, dirfd, path_of(path), AT_REMOVEDIR);
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Unlink, false,
                                   completion_resources::Box{std::move(path)});
}

namespace {
// Borrows `filename` and `statx` (both in stat's coroutine frame): dropping it waits.
// operations.rs:179-187 stat_internal
UnitFuture stat_internal(const char* filename, struct statx* statx) {
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_statx(&entry, dirfd, filename, 0, 0, statx);
    return UnitFuture::new_(entry, -1, std::nullopt, IOType::Stat);
}
}  // namespace

// operations.rs:173-177 stat (part 2 of 2: definition)
Async<Result<struct statx, Errno>> stat(std::string_view filename) {
    auto path = owned_paths<1>("stat", {filename});  // checked before the coroutine starts
    return [](std::unique_ptr<BoxAnyOf<std::array<std::string, 1>>> path) -> Async<Result<struct statx, Errno>> {
        struct statx statx {};
        Result<void, Errno> done = co_await stat_internal(path_of(path), &statx);
        if (done.is_err()) co_return Err{done.error()};
        co_return Ok{statx};
    }(std::move(path));
}

namespace {
// statx(2) - fstat
// AT_EMPTY_PATH: If pathname is an empty string, operate on the file referred to by dirfd
// operations.rs:204-211 fstat_internal
UnitFuture fstat_internal(BorrowedFd fd, struct statx* statx) {
    const char* empty_path = "";
    SQE statx_op{};
    io_uring_prep_statx(&statx_op, fd.fd, empty_path, AT_EMPTY_PATH, 0, statx);
    // Rust traces fd -1; the port names the fd (it is in the error's message).
    return UnitFuture::new_(statx_op, fd.fd, std::nullopt, IOType::Stat);
}
}  // namespace

// operations.rs:196-200 fstat (part 2 of 2: definition)
Async<Result<struct statx, Errno>> fstat(BorrowedFd fd) {
    struct statx statx {};
    Result<void, Errno> done = co_await fstat_internal(fd, &statx);
    if (done.is_err()) co_return Err{done.error()};
    co_return Ok{statx};
}

// operations.rs:219-227 unlink (part 2 of 2: definition)
UnitFuture unlink(std::string_view filename) {
    auto path = owned_paths<1>("unlink", {filename});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_unlinkat(&entry, dirfd, path_of(path), 0);
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Unlink, false,
                                   completion_resources::Box{std::move(path)});
}

// operations.rs:235-243 rename (part 2 of 2: definition)
UnitFuture rename(std::string_view oldpath, std::string_view newpath) {
    auto paths = owned_paths<2>("rename", {oldpath, newpath});
    int dirfd = AT_FDCWD;
    SQE entry{};
    io_uring_prep_renameat(&entry, dirfd, paths->value[0].c_str(), dirfd, paths->value[1].c_str(), 0);
    return UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Rename, false,
                                   completion_resources::Box{std::move(paths)});
}

// operations.rs:251-261 fadvise (part 2 of 2: definition)
UnitFuture fadvise(BorrowedFd fd, std::uint64_t offset, std::uint64_t len, int advice) {
    SQE entry{};
    io_uring_prep_fadvise(&entry, fd.fd, offset, static_cast<std::uint32_t>(len), advice);
    return UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::FAdvise);
}

// operations.rs:269-276 madvise (part 2 of 2: definition)
UnitFuture madvise(const void* addr, std::uint64_t len, int advice) {
    SQE entry{};
    io_uring_prep_madvise(&entry, const_cast<void*>(addr), static_cast<std::uint32_t>(len), advice);
    return UnitFuture::new_(entry, -1, std::nullopt, IOType::MAdvise);
}

// operations.rs:285-296 fallocate (part 2 of 2: definition)
UnitFuture fallocate(BorrowedFd fd, int mode, std::uint64_t offset, std::uint64_t len) {
    SQE entry{};
    io_uring_prep_fallocate(&entry, fd.fd, mode, static_cast<off_t>(offset), static_cast<off_t>(len));
    return UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::FAllocate);
}

// operations.rs:372-375 fsync (part 2 of 2: definition)
UnitFuture fsync(BorrowedFd fd) {
    SQE entry{};
    io_uring_prep_fsync(&entry, fd.fd, 0);
    return UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::Fsync);
}

// operations.rs:384-394 sync_file_range (part 2 of 2: definition)
UnitFuture sync_file_range(BorrowedFd fd, std::uint64_t offset, std::uint32_t len) {
    SQE entry{};
    io_uring_prep_sync_file_range(&entry, fd.fd, len, offset, 0);
    return UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::SyncFileRange);
}

}  // namespace kimojio
