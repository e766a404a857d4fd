#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/tokenizer/protobuf.h"
#include "tests/unit/tokenizer_support.h"

using gs::test::error_of;
using gs::test::pb_bytes;
using gs::test::pb_float;
using gs::test::pb_int;
using gs::test::pb_key;

TEST_CASE("protobuf reader: reads varint, fixed32, fixed64 and length-delimited fields in order", "[tokenizer]") {
    std::string fixed64 = pb_key(9, 1) + std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    const std::string msg = pb_int(1, 300) + pb_int(2, -5) + pb_float(3, -1.5f) + pb_bytes(4, "hello") + fixed64;
    gs::pb::Reader r(msg, "x.model");
    gs::pb::Field f;
    REQUIRE(r.next(f));
    CHECK(f.number == 1);
    CHECK(f.varint == 300);
    REQUIRE(r.next(f));
    CHECK(gs::pb::as_int32(f) == -5);  // negative int32 is a 10-byte varint
    REQUIRE(r.next(f));
    CHECK(f.wire == gs::pb::Wire::Fixed32);
    CHECK(gs::pb::as_float(f) == -1.5f);
    REQUIRE(r.next(f));
    CHECK(f.number == 4);
    CHECK(f.bytes == "hello");
    CHECK(f.bytes_offset == msg.find("hello"));
    REQUIRE(r.next(f));
    CHECK(f.wire == gs::pb::Wire::Fixed64);
    CHECK(f.varint == 0x0807060504030201ull);
    CHECK_FALSE(r.next(f));
}

TEST_CASE("protobuf reader: malformed input is a gs::Error naming the file and the offset", "[tokenizer]") {
    auto fail = [](const std::string& bytes) {
        return error_of([&] {
            gs::pb::Reader r(bytes, "dir/tokenizer.model", 100);
            gs::pb::Field f;
            while (r.next(f)) {
            }
        });
    };
    const std::string good = pb_bytes(1, "abcdef");

    auto e = fail(good.substr(0, good.size() - 2));  // payload cut short
    CHECK(e.file == "dir/tokenizer.model");
    CHECK_THAT(e.detail, Catch::Contains("claims 6 bytes but only 4 remain") && Catch::Contains("at byte 100"));

    e = fail(std::string("\x08\x96", 2));  // varint whose continuation byte is missing
    CHECK(e.file == "dir/tokenizer.model");
    CHECK_THAT(e.detail, Catch::Contains("truncated varint") && Catch::Contains("at byte 101"));

    e = fail(pb_key(2, 5) + "\x01\x02");  // fixed32 with 2 of its 4 bytes
    CHECK_THAT(e.detail, Catch::Contains("truncated fixed-size field 2"));

    e = fail(pb_key(2, 3));  // group start: not used by SentencePiece
    CHECK_THAT(e.detail, Catch::Contains("unsupported wire type 3"));

    e = fail(pb_key(0, 0) + "\x01");  // field number 0 is invalid
    CHECK_THAT(e.detail, Catch::Contains("field number 0"));

    e = fail(pb_key(1, 0) + std::string(11, '\xff'));  // a varint that never ends
    CHECK_THAT(e.detail, Catch::Contains("longer than 10 bytes"));
}

TEST_CASE("protobuf reader: expect() rejects a known field with the wrong wire type", "[tokenizer]") {
    const std::string msg = pb_int(1, 7);
    gs::pb::Reader r(msg, "t.model");
    gs::pb::Field f;
    REQUIRE(r.next(f));
    auto e = error_of([&] { r.expect(f, gs::pb::Wire::Bytes, "pieces"); });
    CHECK(e.file == "t.model");
    CHECK_THAT(e.detail, Catch::Contains("pieces") && Catch::Contains("expected wire type length-delimited, found varint"));
}
