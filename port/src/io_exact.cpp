// Not a port of a kimojio file: write_all and read_exact (see kimojio/io_exact.hpp).
#include "kimojio/io_exact.hpp"

#include <string_view>

namespace kimojio {

namespace {
std::string progress(const ExactIoError& e) {
    return " after " + std::to_string(e.transferred) + " of " + std::to_string(e.wanted) + " bytes";
}
}  // namespace

void throw_error(const ExactIoError& e) {
    if (!e.is_eof()) {
        throw std::system_error(e.error.code, std::generic_category(), describe(e.error) + progress(e));
    }
    bool writing = e.error.op != nullptr && std::string_view(e.error.op) == "write_all";
    throw ShortIoError(std::string("kimojio: ") + (writing ? "write_all" : "read_exact") + " on fd " +
                       std::to_string(e.error.fd) + (writing ? ": a write accepted 0 bytes" : ": end of file") +
                       progress(e) + (writing ? "" : " (the writer closed its end, or the file is shorter)"));
}

}  // namespace kimojio
