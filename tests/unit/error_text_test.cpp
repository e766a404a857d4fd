// Error messages stay one line of valid UTF-8 whatever the input holds (the page sends them through JSON), and JSON
// inputs fail with a position and a reason, duplicate keys included where they are refused. The malformed-input
// corpus (tests/malformed) checks the messages end to end; these pin the two helpers down.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/util/json_parse.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using test::error_text;

TEST_CASE("format_error escapes control characters and bytes that are not UTF-8", "[error]") {
    const std::string bad_name = std::string("a\xff") + "b\n\xc3\x28" + "\xe2\x96\x81";  // invalid, newline, invalid, U+2581
    const std::string msg = Error("f.json", bad_name, "bad\tthing").what();
    CHECK(msg == "f.json: tensor 'a\\xffb\\x0a\\xc3(\xe2\x96\x81': bad\\x09thing");
    CHECK_NOTHROW(nlohmann::json(msg).dump());  // would throw on invalid UTF-8
    // overlong encodings and surrogates are not UTF-8 either
    CHECK(std::string(Error("\xc0\xaf", "", "\xed\xa0\x80").what()) == "\\xc0\\xaf: \\xed\\xa0\\x80");
}

TEST_CASE("format_error cuts an over-long tensor name, the field keeps it whole", "[error]") {
    const std::string name(5000, 'x');
    const Error e("m.safetensors", name, "too long");
    CHECK(e.tensor == name);
    const std::string msg = e.what();
    CHECK(msg.size() < 200);
    CHECK_THAT(msg, Catch::Contains("... (5000 bytes)") && Catch::EndsWith("': too long"));
}

TEST_CASE("parse_json_text: position and reason, LFS pointers, empty text", "[error]") {
    CHECK(error_text([] { parse_json_text("{\"a\": tru}", "c.json"); }) == "c.json: not valid JSON at byte 10: invalid literal");
    CHECK(error_text([] { parse_json_text("{\"a\": 1,}", "c.json"); }) ==
          "c.json: not valid JSON at byte 9: unexpected '}'; expected string literal");
    CHECK(error_text([] { parse_json_text("[1", "h", {"header"}); }) ==
          "h: header is not valid JSON at byte 3: unexpected end of input; expected ']'");
    CHECK_THAT(error_text([] { parse_json_text("", "c.json"); }), Catch::Contains("c.json: is empty (0 bytes)"));
    CHECK_THAT(error_text([] { parse_json_text("version https://git-lfs.github.com/spec/v1\n", "c.json"); }),
               Catch::Contains("Git LFS pointer") && Catch::Contains("git lfs pull"));
    CHECK_THAT(error_text([] { parse_json_text("{\"a\": \"\xff\"}", "c.json"); }), Catch::Contains("UTF-8"));
}

TEST_CASE("parse_json_text: duplicate keys refused only when asked, at any depth", "[error]") {
    CHECK(parse_json_text("{\"a\": 1, \"a\": 2}", "x")["a"] == 2);  // Python's json and transformers: last one wins
    CHECK(error_text([] { parse_json_text("{\"a\": 1, \"a\": 2}", "x", {"header", true}); }) ==
          "x: header: key \"a\" appears twice (which one is meant?)");
    CHECK(error_text([] { parse_json_text("{\"m\": {\"t\": 1, \"u\": {\"t\": 3}, \"t\": 2}}", "i.json", {"", true}); }) ==
          "i.json: key \"t\" appears twice in \"m\" (which one is meant?)");
    // the same key in sibling objects is fine
    CHECK(parse_json_text("{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}, \"c\": [{\"k\": 1}, {\"k\": 2}]}", "x", {"", true})["b"]["k"] == 2);
}
