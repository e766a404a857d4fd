#include "native/output_files.h"

#include <unistd.h>

#include "core/error.h"

namespace gs::native {

OutputFiles::OutputFiles(std::vector<std::string> paths) : paths_(std::move(paths)), sinks_(paths_.size()) {}

Sink& OutputFiles::open(size_t part) {
    // The parts before this one are complete (execute_plan's contract): finish them now, so that one file is open
    // at a time whatever the part count, and a full disk is reported against the part it happened in.
    for (size_t i = 0; i < part; ++i)
        if (sinks_[i]) sinks_[i]->finish();
    if (!sinks_.at(part)) sinks_[part] = std::make_unique<AtomicFileSink>(paths_[part]);
    return *sinks_[part];
}

void OutputFiles::commit() {
    for (size_t i = 0; i < sinks_.size(); ++i)
        if (!sinks_[i]) throw Error(paths_[i], "", "output part was never written");
    // Everything that can fail because of the data (a full disk, an I/O error at fsync) has failed by now, before
    // any part has its final name (finish() does nothing for a part already finished).
    for (auto& s : sinks_) s->finish();
    for (size_t i = sinks_.size(); i-- > 0;) {
        try {
            sinks_[i]->publish();
        } catch (...) {
            for (size_t j = i + 1; j < sinks_.size(); ++j) ::unlink(paths_[j].c_str());
            throw;
        }
    }
}

uint64_t OutputFiles::written() const {
    uint64_t n = 0;
    for (const auto& s : sinks_)
        if (s) n += s->written();
    return n;
}

}  // namespace gs::native
