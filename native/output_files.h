// The files of one output, a single GGUF or the parts of a split one, published together: each part is written under
// a temporary name (AtomicFileSink), and only when every part is complete are they renamed into place — the first
// part, the one llama.cpp opens, last, so a loadable set never appears before all of it is there. Destroyed without
// commit(), every temporary file is removed; a rename failing half-way removes the parts already renamed.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "native/file_io.h"

namespace gs::native {

class OutputFiles {
public:
    explicit OutputFiles(std::vector<std::string> paths);
    Sink& open(size_t part);  // creates part's temporary file (once); finishes (fsync, close) the parts before it
    void commit();            // every part must have been opened
    uint64_t written() const;

private:
    std::vector<std::string> paths_;
    std::vector<std::unique_ptr<AtomicFileSink>> sinks_;
};

}  // namespace gs::native
