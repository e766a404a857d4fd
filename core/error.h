// The one error type of ggufsmith. Every failure the user can cause (bad input, bad arguments, I/O) is thrown as
// gs::Error carrying where it happened, so the CLI and the page print one line that names the file, the tensor and
// what is wrong. Programming errors are asserts, not Errors.
#pragma once
#include <stdexcept>
#include <string>

namespace gs {

struct Error : std::runtime_error {
    std::string file;    // input or output file the problem is in ("" when none)
    std::string tensor;  // tensor name ("" when none)
    std::string detail;  // what is wrong

    Error(std::string file, std::string tensor, std::string detail);
    explicit Error(std::string detail) : Error("", "", std::move(detail)) {}
};

// Formats "file: tensor 'name': detail" (parts that are empty are left out) as one line of valid UTF-8: control
// characters and bytes that are not UTF-8 become \xNN, and over-long parts are cut (their full text stays in the fields).
std::string format_error(const std::string& file, const std::string& tensor, const std::string& detail);

}  // namespace gs
