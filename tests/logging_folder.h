// A folder whose readers log every read (file, offset, bytes), to see what the core really reads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/io/reader.h"

namespace gs::test {

struct ReadLog {
    std::vector<std::tuple<std::string, uint64_t, uint64_t>> reads;
};
struct LoggingReader final : RangeReader {
    std::unique_ptr<RangeReader> r;
    std::string rel;
    ReadLog& log;
    LoggingReader(std::unique_ptr<RangeReader> r, std::string rel, ReadLog& log)
        : r(std::move(r)), rel(std::move(rel)), log(log) {}
    const std::string& name() const override { return r->name(); }
    uint64_t size() const override { return r->size(); }
    void read(uint64_t offset, void* dst, size_t n) override {
        log.reads.emplace_back(rel, offset, n);
        r->read(offset, dst, n);
    }
};
struct LoggingFolder final : Folder {
    std::unique_ptr<Folder> f;
    ReadLog& log;
    LoggingFolder(std::unique_ptr<Folder> f, ReadLog& log) : f(std::move(f)), log(log) {}
    std::string name() const override { return f->name(); }
    std::vector<std::string> files() const override { return f->files(); }
    bool has(const std::string& rel) const override { return f->has(rel); }
    std::unique_ptr<RangeReader> open(const std::string& rel) const override {
        return std::make_unique<LoggingReader>(f->open(rel), rel, log);
    }
};

}  // namespace gs::test
